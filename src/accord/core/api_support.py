"""What every API router shares: the error schema, the documented error codes and pagination."""

import re
from datetime import UTC, date, datetime
from typing import Annotated, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator

T = TypeVar("T")


def _json_integer(value):
    """An integer as JSON Schema means it (3 or 3.0); pydantic alone would also take true and "3"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a valid integer")
    return value


# For integers in a JSON body, after any constraints: Annotated[int, Field(ge=1), JsonInteger].
JsonInteger = BeforeValidator(_json_integer)
# true or false in a JSON body; pydantic alone would also take 0, 1, "true", "yes" and "off".
StrictBool = Annotated[bool, Field(strict=True)]


def _json_object(value):
    """A JSON object. Ninja's Schema would read the fields of any value as attributes (a string too)."""
    if not isinstance(value, dict):
        raise ValueError("Input should be an object")
    return value


# For a nested schema in a JSON body: Annotated[SomeSchema, JsonObject].
JsonObject = BeforeValidator(_json_object)
# A number in a JSON body: a JSON number, finite (not "3", not true, not NaN; the parser refuses
# NaN and Infinity literals too). Text numbers are for forms and files (accord.core.numbers).
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
QueryNumber = Annotated[float, Field(allow_inf_nan=False)]  # in the query string (always text)
# Ids are 64-bit: a larger number is invalid input (422), not a database error (500).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]  # in the path or the query
BodyId = Annotated[int, Field(ge=1, le=MAX_ID), JsonInteger]
BodyInt = Annotated[int, JsonInteger]


def _iso_8601(value):
    # pydantic would also read a number as a Unix timestamp ("0.5" is 1970); the schema says date-time.
    if isinstance(value, str) and not re.match(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Use an ISO 8601 date-time, e.g. 2025-01-31T09:00:00Z.")
    return value


def _in_utc(value: datetime) -> datetime:
    # RFC 3339 allows offsets like +17:28 that PostgreSQL refuses (a 500): compare in UTC.
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("Date-time out of range.") from exc


DateTimeIn = Annotated[datetime, BeforeValidator(_iso_8601), AfterValidator(_in_utc)]  # a date-time a client sends


def _iso_date(value):
    # pydantic would also read a number as a Unix timestamp (0 is 1970-01-01); the schema says date.
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Use an ISO 8601 date, e.g. 2025-01-31.")
    return value


DateIn = Annotated[date, BeforeValidator(_iso_date)]  # a date a client sends


def _nullable(prop: dict) -> bool:
    return prop.get("type") == "null" or any(p.get("type") == "null" for p in prop.get("anyOf", ()))


def _no_null_defaults(schema: dict) -> None:
    # A field typed without None shows no "default": null in OpenAPI (null is not a value it takes).
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None and not _nullable(prop):
            del prop["default"]


class PatchSchema(Schema):
    """A PATCH body: only the fields sent change.

    Declare a field `name: str = Field(None, ...)` (its type without None): left out, it keeps its
    value; sent as null, it is refused (422 naming it) instead of silently meaning "unchanged".
    Type it `X | None` only where null means something: it clears (a parent, an owner).
    """

    model_config = {"json_schema_extra": _no_null_defaults}


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []


# Every operation documents these, so clients (and schemathesis) know the error shape.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut, 503: ErrorOut}


def responses(ok_status: int, schema=None) -> dict:
    return {ok_status: schema, **ERRORS}


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=1000, description="Items per page (1-1000).")
    offset: int = Field(0, ge=0, le=10_000_000, description="Items to skip.")


class Page[T](Schema):
    items: list[T]
    count: int
    limit: int
    offset: int


def paginate(queryset: QuerySet, page: PageParams, serialize=None) -> dict:
    items = list(queryset[page.offset : page.offset + page.limit])
    return {
        "items": [serialize(i) for i in items] if serialize else items,
        "count": queryset.count(),
        "limit": page.limit,
        "offset": page.offset,
    }
