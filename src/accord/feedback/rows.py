"""Cleaning one feedback row: shared by the web form, the API, API batches and file imports.

A row is a dict of text-ish values; `clean_row` returns the model fields plus the customer it names,
or a list of (field, message) problems. Nothing here touches the database.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from accord.core.importfiles import DateError, parse_moment
from accord.core.numbers import POINT, NumberError, parse_number

from .models import FeedbackStatus, Source

MAX_TEXT = 20_000
SOURCE_NAMES = {
    **{v: v for v in Source.values},
    **{str(label).lower(): v for v, label in Source.choices},
    "sales call": Source.SALES_CALL,
    "support": Source.SUPPORT_TICKET,
    "support ticket": Source.SUPPORT_TICKET,
    "ticket": Source.SUPPORT_TICKET,
    "app review": Source.REVIEW,
    "campaign": Source.CAMPAIGN_RESULT,
    "campaign result": Source.CAMPAIGN_RESULT,
    "email": Source.INTERNAL,
}
STATUS_NAMES = {
    **{v: v for v in FeedbackStatus.values},
    **{str(label).lower(): v for v, label in FeedbackStatus.choices},
}


@dataclass(frozen=True)
class CustomerSpec:
    """A customer as a row names it; matched by e-mail, else by name and company."""

    name: str = ""
    email: str = ""
    company: str = ""
    segment: str = ""
    revenue_weight: float | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        if self.email:
            return (self.email, "", "")
        return ("", self.name.lower(), self.company.lower())


@dataclass
class CleanRow:
    text: str
    title: str = ""
    source: str = Source.INTERNAL
    status: str = FeedbackStatus.NEW
    received_at: datetime | None = None
    customer: CustomerSpec | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)


def _text(value, name: str, max_length: int, errors: list, *, required: bool = False) -> str:
    value = "" if value is None else str(value)
    value = value.replace("\r\n", "\n").strip()
    if "\x00" in value:
        errors.append((name, "Text cannot contain NUL characters."))
        return ""
    if required and not value:
        errors.append((name, f"{name.replace('_', ' ').capitalize()} is required."))
    if len(value) > max_length:
        errors.append((name, f"At most {max_length} characters."))
    return value[:max_length]


def clean_email(value, errors: list, name: str = "email") -> str:
    email = _text(value, name, 254, errors).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append((name, f"{email!r} is not an e-mail address."))
            return ""
    return email


def clean_source(value, errors: list, default: str) -> str:
    raw = " ".join(str(value or "").split()).lower()
    if not raw:
        return default
    source = SOURCE_NAMES.get(raw) or SOURCE_NAMES.get(raw.replace("-", " ").replace("_", " "))
    if source is None:
        errors.append(("source", f"Unknown source {raw!r}; use one of {', '.join(Source.values)}."))
        return default
    return source


def clean_status(value, errors: list) -> str:
    raw = " ".join(str(value or "").split()).lower()
    if not raw:
        return FeedbackStatus.NEW
    status = STATUS_NAMES.get(raw)
    if status is None:
        errors.append(("status", f"Unknown status {raw!r}; use one of {', '.join(FeedbackStatus.values)}."))
        return FeedbackStatus.NEW
    if status == FeedbackStatus.LINKED:
        # "Linked" follows from the links themselves (set and cleared by linking).
        errors.append(("status", "Feedback becomes linked by linking it to an idea."))
        return FeedbackStatus.NEW
    return status


def clean_received_at(value, errors: list, date_format: str = "iso") -> datetime | None:
    """A date-time: ISO 8601, or a date (with an optional HH:MM) in the declared day/month order."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        raw = str(value).strip()
        moment = _iso_moment(raw)
        if moment is None:
            try:
                parsed = parse_moment(raw, date_format)
            except DateError as exc:
                errors.append(("received_at", str(exc)))
                return None
            moment = parsed if isinstance(parsed, datetime) else datetime(parsed.year, parsed.month, parsed.day, 12)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    if moment.year < 1970 or moment > timezone.now() + timezone.timedelta(days=1):
        errors.append(("received_at", "The date must be between 1970 and today."))
        return None
    return moment


def _iso_moment(raw: str) -> datetime | None:
    """'2026-03-04T10:00:00Z' or '2026-03-04 10:00' (ISO 8601), '2026-03-04' (noon UTC); else None."""
    try:
        if ("T" in raw or ":" in raw) and (moment := parse_datetime(raw)):
            return moment
        if day := parse_date(raw):
            return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    except ValueError:
        return None
    return None


def clean_weight(value, errors: list, decimal: str = POINT) -> float | None:
    """A revenue weight, 0 to 1,000,000,000: a number, or text with the declared separators."""
    try:
        return parse_number(value, decimal=decimal, hint="import", minimum=0, maximum=1e9)
    except NumberError as exc:
        errors.append(("revenue_weight", str(exc)))
        return None


def clean_customer(data: dict, errors: list, decimal: str = POINT) -> CustomerSpec | None:
    """The customer named by keys name/email/company/segment/revenue_weight, or None if none is."""
    spec = CustomerSpec(
        name=" ".join(_text(data.get("name"), "customer_name", 200, errors).split()),
        email=clean_email(data.get("email"), errors, "customer_email"),
        company=" ".join(_text(data.get("company"), "company", 200, errors).split()),
        segment=" ".join(_text(data.get("segment"), "segment", 60, errors).split()).lower(),
        revenue_weight=clean_weight(data.get("revenue_weight"), errors, decimal),
    )
    if not (spec.name or spec.email or spec.company):
        return None
    if not (spec.name or spec.email):  # a company alone: the customer is the company
        spec = CustomerSpec(spec.company, "", spec.company, spec.segment, spec.revenue_weight)
    return spec


def clean_row(
    data: dict, *, default_source: str = Source.INTERNAL, decimal: str = POINT, date_format: str = "iso"
) -> CleanRow:
    """Keys: text (required), title, source, status, received_at, and the customer's
    customer_name, customer_email, company, segment, revenue_weight. Text values of revenue_weight
    and received_at are read with the declared decimal separator and date format."""
    errors: list[tuple[str, str]] = []
    row = CleanRow(
        text=_text(data.get("text"), "text", MAX_TEXT, errors, required=True),
        title=" ".join(_text(data.get("title"), "title", 200, errors).split()),
        source=clean_source(data.get("source"), errors, default_source),
        status=clean_status(data.get("status"), errors),
        received_at=clean_received_at(data.get("received_at"), errors, date_format),
        errors=errors,
    )
    row.customer = clean_customer(
        {
            "name": data.get("customer_name"),
            "email": data.get("customer_email"),
            "company": data.get("company"),
            "segment": data.get("segment"),
            "revenue_weight": data.get("revenue_weight"),
        },
        errors,
        decimal,
    )
    return row
