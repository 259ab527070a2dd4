"""Helpers the source parsers share: limits, JSON loading, dates, HTML to text, one-line titles."""

import html
import json
import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags

from accord.core.importfiles import FileUnreadable, decode
from accord.core.tabular import file_failed

MAX_BYTES = 20 * 1024 * 1024
MAX_RECORDS = 20_000


def check_size(data: bytes) -> None:
    if not data:
        raise file_failed("The file is empty.")
    if len(data) > MAX_BYTES:
        raise file_failed(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: export less at a time and import the parts."
        )


def text_of(data: bytes, encoding: str = "auto") -> str:
    check_size(data)
    try:
        return decode(data, encoding).text
    except FileUnreadable as exc:
        raise file_failed(str(exc)) from None


def load_json(data: bytes, what: str):
    text = text_of(data)
    try:
        return json.loads(text)
    except RecursionError:
        raise file_failed(f"This JSON is nested too deeply to be {what}.") from None
    except ValueError as exc:
        raise file_failed(
            f"This is not valid JSON ({str(exc)[:160]}): the file may be truncated; export {what} again."
        ) from None


def title_of(value, fallback: str = "") -> str:
    return " ".join(str(value or "").split())[:200] or fallback


def html_to_text(value: str) -> str:
    """Jira's XML descriptions are HTML: paragraphs and line breaks kept, tags dropped."""
    value = re.sub(r"(?i)<br\s*/?>", "\n", value or "")
    value = re.sub(r"(?i)</(p|div|h[1-6]|li|tr|pre)>", "\n\n", value)
    value = re.sub(r"(?i)<li[^>]*>", "- ", value)
    text = html.unescape(strip_tags(value))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def iso_moment(value) -> datetime | None:
    """'2026-01-31T09:00:00Z' -> an aware datetime; None for empty; ValueError for anything else."""
    if value in (None, ""):
        return None
    moment = parse_datetime(str(value))
    if moment is None:
        raise ValueError(f"{str(value)[:40]!r} is not an ISO 8601 date-time.")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def rfc_moment(value: str) -> datetime | None:
    """'Fri, 24 Sep 2021 14:22:15 -0700' (Jira's XML) -> an aware datetime; None for empty."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"{value[:40]!r} is not a date.") from None


def day_of(moment: datetime | None) -> date | None:
    return moment.date() if moment else None
