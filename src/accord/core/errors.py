"""Errors raised by services; the API and the web views translate them the same way."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ServiceError(Exception):
    status = 400

    def __init__(self, detail: str, errors: list[FieldError] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    def as_dict(self) -> dict:
        return {"detail": self.detail, "errors": [{"field": e.field, "message": e.message} for e in self.errors]}


class UserError(ServiceError):
    """What a form shows its user: bad input, or someone else saved first. A class, not a tuple of
    classes, so that `except (UserError, Invalid)` stays valid Python at run time."""


class Invalid(UserError):
    """Input that breaks a rule; names the field."""

    status = 422

    @classmethod
    def field(cls, field: str, message: str) -> "Invalid":
        return cls(message, [FieldError(field, message)])


class NotFound(ServiceError):
    status = 404

    def __init__(self, detail: str = "Not found."):
        super().__init__(detail)


class Forbidden(ServiceError):
    status = 403

    def __init__(self, detail: str = "You do not have permission to do this."):
        super().__init__(detail)


class Conflict(UserError):
    """A write based on a stale version, or a uniqueness clash."""

    status = 409


class StaleVersion(Conflict):
    def __init__(self, current_version: int):
        super().__init__(
            f"This was changed by someone else (now at version {current_version}). Reload and try again.",
            [FieldError("version", f"stale; current version is {current_version}")],
        )
        self.current_version = current_version
