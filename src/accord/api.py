"""The REST API at /api/v1/: routers of every app, one error format."""

import json
import logging
import math

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from accord.accounts.api import router as account_router
from accord.audit.api import router as audit_router
from accord.capacity.api import router as capacity_router
from accord.changes.api import router as changes_router
from accord.collab.api import router as collab_router
from accord.core.errors import ServiceError
from accord.core.views import body_too_large_message
from accord.feedback.api import router as feedback_router
from accord.feedback.similarity.api import router as similarity_router
from accord.feeds.api import router as feeds_router
from accord.glossary.api import router as glossary_router
from accord.goals.api import router as goals_router
from accord.ideas.api import router as ideas_router
from accord.ideas.api_moscow import router as moscow_router
from accord.imports.api import router as imports_router
from accord.initiatives.api import router as initiatives_router
from accord.launches.api import router as launches_router
from accord.notifications.api import router as notifications_router
from accord.playbooks.api import router as playbooks_router
from accord.portal.api import public_router as portal_public_router
from accord.portal.api import router as portal_router
from accord.roadmaps.api import router as roadmaps_router
from accord.roles.api import router as roles_router
from accord.transfer.api import router as transfer_router
from accord.webhooks.api import router as webhooks_router
from accord.workspaces.api import router as workspaces_router

log = logging.getLogger("accord.api")


NUL_MESSAGE = "Text cannot contain NUL (\\u0000) characters."


def _nul_at(value, loc: tuple) -> tuple | None:
    """Where in a parsed JSON value a NUL character hides (PostgreSQL cannot store one), or None."""
    if isinstance(value, str):
        return loc if "\x00" in value else None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found = _nul_at(key, (*loc, key)) or _nul_at(item, (*loc, key))
        if found:
            return found
    return None


class NonFiniteNumber(ValueError):
    pass


def _no_constant(name: str):
    # Python's json reads NaN, Infinity and -Infinity, which JSON does not have.
    raise NonFiniteNumber(f"{name} is not a JSON number: numbers must be finite.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 reads as infinity
        raise NonFiniteNumber(f"{text[:40]} is out of range: numbers must be finite.")
    return value


class StrictParser(Parser):
    """Reads bodies and query strings, refusing (422) what the schema does not allow but pydantic would take.

    A query parameter that takes one value, sent twice, is invalid, not "the last one wins"; text with
    a NUL character is invalid everywhere (PostgreSQL would fail on it with a 500).
    """

    def parse_body(self, request):
        try:
            data = json.loads(request.body, parse_constant=_no_constant, parse_float=_finite_float)
        except NonFiniteNumber as exc:
            raise ValidationError([{"loc": ("body",), "msg": str(exc)}]) from None
        # Every body of this API is a JSON object. Ninja would hand a bare string (or number) to the
        # one body schema, which reads fields off it as attributes: "abc" became an idea titled "Abc".
        if not isinstance(data, dict):
            raise ValidationError([{"loc": ("body",), "msg": "The body must be a JSON object."}])
        # JSON carries a NUL only as the escape \u0000: without that text there is nothing to walk
        # (walking a 10,000-row batch took a good part of a second).
        if b"\\u0000" in request.body and (loc := _nul_at(data, ("body",))):
            raise ValidationError([{"loc": loc, "msg": NUL_MESSAGE}])
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        for key in data:
            if key not in list_fields and len(data.getlist(key)) > 1:
                result[key] = data.getlist(key)
            if any("\x00" in text for text in (key, *data.getlist(key))):
                raise ValidationError([{"loc": ("query", key), "msg": NUL_MESSAGE}])
        return result


class AccordSwagger(Swagger):
    """django-ninja's Swagger UI with a bar on top: a way back to the app."""

    template = "core/api_docs.html"


api = NinjaAPI(
    title="Accord API",
    version="1",
    description=(
        "Accord's REST API. Authenticate with `Authorization: Bearer <token>` (create a token under "
        "Settings > API tokens or with `accord token create`) or with the browser session. Errors are "
        '`{"detail": ..., "errors": [{"field": ..., "message": ...}]}`. Writes to shared objects '
        "carry the `version` you read; a stale version gets 409 and changes nothing."
    ),
    urls_namespace="api",
    docs_url="/docs",
    docs=AccordSwagger(),
    parser=StrictParser(),
)
api.add_router("", account_router)
api.add_router("", workspaces_router)
api.add_router("", audit_router)
api.add_router("", ideas_router)
api.add_router("", moscow_router)
api.add_router("", roadmaps_router)
api.add_router("", portal_router)
api.add_router("", portal_public_router)
api.add_router("", goals_router)
api.add_router("", feedback_router)
api.add_router("", similarity_router)
api.add_router("", initiatives_router)
api.add_router("", roles_router)
api.add_router("", launches_router)
api.add_router("", changes_router)
api.add_router("", playbooks_router)
api.add_router("", glossary_router)
api.add_router("", capacity_router)
api.add_router("", notifications_router)
api.add_router("", collab_router)
api.add_router("", webhooks_router)
api.add_router("", feeds_router)
api.add_router("", imports_router)
api.add_router("", transfer_router)


def _error(request: HttpRequest, status: int, detail: str, errors: list | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(ServiceError)
def _service_error(request, exc: ServiceError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = []
    for err in exc.errors:
        # loc is like ("body", "data", "email") or ("query", "limit"): name the field the client sent.
        loc = [
            str(p)
            for p in err.get("loc", ())
            if p not in ("body", "query", "path", "data", "page", "filters")
        ]
        errors.append({"field": ".".join(loc) or "body", "message": err.get("msg", "invalid")})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "Invalid input."
    return _error(request, 422, detail, errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(
        request, 401, "Sign in or send a valid API token (Authorization: Bearer <token>)."
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "Not found.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(
        exc.__cause__, ValidationError
    ):  # from StrictParser.parse_body, wrapped by ninja as a 400
        return _validation_error(request, exc.__cause__)
    if isinstance(exc.__cause__, RequestDataTooBig):  # reading the body, wrapped by ninja as a 400
        return _error(request, 413, body_too_large_message())
    return _error(request, exc.status_code, str(exc))
