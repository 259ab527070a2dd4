"""One date format: every template writes dates with the |day, |month_day, |moment or |day_range
filters (accord.core.dates, the active language's formats), never with its own |date:"..." pattern."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

from accord.core import dates

SRC = Path(dates.__file__).resolve().parents[1]


def test_the_formats():
    assert dates.day(date(2027, 1, 5)) == "Jan 5, 2027"
    assert dates.month_day(date(2027, 1, 5)) == "Jan 5"
    assert dates.moment(datetime(2027, 1, 5, 14, 30, tzinfo=UTC)) == "Jan 5, 2027, 14:30"
    assert dates.day(datetime(2027, 1, 5, 23, 0, tzinfo=UTC)) == "Jan 5, 2027"
    assert dates.day_range(date(2027, 1, 5), date(2027, 2, 3)) == "Jan 5 \N{EN DASH} Feb 3, 2027"
    assert dates.day_range(date(2026, 12, 14), date(2027, 1, 29)) == "Dec 14, 2026 \N{EN DASH} Jan 29, 2027"
    assert dates.day(None) == "" and dates.moment(None) == ""


def test_the_format_follows_the_language():
    with translation.override("de"):
        assert dates.day(date(2027, 1, 5)) == "5. Januar 2027"


def test_templates_have_the_filters_without_loading_them():
    out = Template("{{ d|day }} · {{ d|month_day }} · {{ a|day_range:b }}").render(
        Context({"d": date(2027, 1, 5), "a": date(2027, 1, 5), "b": date(2027, 3, 1)})
    )
    assert out == "Jan 5, 2027 · Jan 5 · Jan 5 \N{EN DASH} Mar 1, 2027"


MACHINE = re.compile(r"""\|\s*date\s*:\s*(['"])(c|Y-m-d)\1""")  # <time datetime>, <input type=date>


def test_no_template_writes_a_date_its_own_way():
    own = []
    for path in SRC.rglob("templates/**/*.html"):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\|\s*date\s*:", MACHINE.sub("", line)):
                own.append(f"{path.relative_to(SRC)}:{n}")
    assert own == [], "use |day, |month_day, |moment or |day_range: " + ", ".join(own)
