"""One way to write a date, for pages (the |day, |month_day and |moment template filters), e-mails
and histories: the active language's formats (accord/formats/<lang>/formats.py for English).

    day(date(2027, 1, 5))               -> "Jan 5, 2027"
    month_day(date(2027, 1, 5))         -> "Jan 5"
    moment(datetime(2027, 1, 5, 14, 30)) -> "Jan 5, 2027, 14:30"  (in the current time zone)
    day_range(start, end)               -> "Jan 5 \N{EN DASH} Feb 3, 2027" (a year each side if they differ)
"""

from datetime import date, datetime

from django.utils import formats, timezone


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def day(value: date | datetime | None) -> str:
    return formats.date_format(_as_date(value), "DATE_FORMAT") if value else ""


def month_day(value: date | datetime | None) -> str:
    return formats.date_format(_as_date(value), "MONTH_DAY_FORMAT") if value else ""


def moment(value: datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def day_range(start: date | datetime | None, end: date | datetime | None) -> str:
    if not start or not end:
        return day(start or end)
    first = month_day(start) if _as_date(start).year == _as_date(end).year else day(start)
    return f"{first} \N{EN DASH} {day(end)}"
