"""Shared helpers for the server-rendered views."""

import re
from collections import defaultdict
from collections.abc import Mapping
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, QueryDict

from .errors import Forbidden, Invalid, NotFound, ServiceError
from .errors import UserError as UserError  # the views take it from here, beside field_errors
from .numbers import POINT, number_field


def field_errors(exc: ServiceError) -> dict[str, list[str]]:
    """Invalid -> {field: [messages]} for the form templates; '__all__' when no field is named."""
    errors: dict[str, list[str]] = defaultdict(list)
    for err in exc.errors or []:
        errors[err.field].append(err.message)
    if not exc.errors:
        errors["__all__"].append(exc.detail)
    return dict(errors)


def translate_service_errors(view):
    """NotFound -> 404 page, Forbidden -> 403 page; Invalid stays for the view to show on its form."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.detail) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.detail) from exc

    return wrapper


def web_view(view):
    return login_required(translate_service_errors(view))


def with_query(url: str, params: Mapping | str | None = None) -> str:
    """`url` with a query string in which every value is encoded ("R&D" stays one value).

    `params` is a mapping (None and "" leave the key out; a list repeats it) or a query string a
    form carried back (a hidden "query" field), parsed and encoded again. Templates use Django's
    {% querystring %} tag, or `|urlencode` on each value, for the same.
    """
    if isinstance(params, QueryDict):
        query = params.urlencode()
    elif isinstance(params, str):
        query = QueryDict(params).urlencode()
    else:
        kept = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
        query = urlencode(kept, doseq=True)
    return f"{url}?{query}" if query else url


def page_of(request, queryset, per_page: int = 50):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def int_list(values: list[str]) -> list[int]:
    try:
        return [int(v) for v in values if v]
    except ValueError as exc:
        raise Invalid.field("team_ids", "Choose teams from the list.") from exc


def words(text: str) -> list[str]:
    """'a, b,c' -> ['a', 'b', 'c'] for skills and interests typed as text."""
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def form_version(request) -> int:
    """The `version` a form was rendered with (optimistic concurrency)."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError as exc:
        raise Invalid.field("version", "The form is missing its version; reload the page.") from exc


MAX_INT = 2**63 - 1  # the largest integer a database column holds (api_support.MAX_ID for the API)


def form_int(value, field: str, default: int | None = None) -> int | None:
    """An id or a count from a form: ASCII digits only (int() would also take "1_0" or Arabic-Indic digits)."""
    if value in (None, ""):
        return default
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?[0-9]+", text, re.ASCII):
        raise Invalid.field(field, "Enter a whole number.")
    number = int(text)
    if abs(number) > MAX_INT:  # no database column holds it: the query would fail (a 500)
        raise Invalid.field(field, f"Enter a whole number of at most {MAX_INT}.")
    return number


def form_number(
    value, field: str, *, decimal: str, label: str | None = None, hint: str = "workspace", **limits
) -> float | None:
    """A number typed in a form, read with the shared parser (accord.core.numbers).

    `decimal`: the workspace's separator for text boxes (workspace.decimal_separator); a browser's
    number box (<input type="number">) always sends a point, whatever the person's language, so
    those pass numbers.POINT and hint="none". Blank is None; anything else that is not a number
    under those separators is refused naming the field, never reinterpreted.
    """
    return number_field(value, field, label=label, decimal=decimal, hint=hint, **limits)


def form_number_box(value, field: str, *, label: str | None = None, **limits) -> float | None:
    """A browser number box (<input type="number">): it always sends a point."""
    return number_field(value, field, label=label, decimal=POINT, hint="none", **limits)


def form_date(value, field: str):
    from django.utils.dateparse import parse_date

    if value in (None, ""):
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Invalid.field(field, "Enter a date as YYYY-MM-DD.")
    return parsed
