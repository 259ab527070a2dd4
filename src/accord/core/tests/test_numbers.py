"""The shared number parser and file reader (accord.core.numbers, accord.core.importfiles), and
request bodies over the size limit: properties first, then the cases people run into."""

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import Invalid
from accord.core.importfiles import (
    DateError,
    FileUnreadable,
    decode,
    parse_day,
    parse_moment,
    sniff_delimiter,
)
from accord.core.numbers import (
    COMMA,
    MAX_MAGNITUDE,
    POINT,
    NumberError,
    format_number,
    number_field,
    parse_number,
)

SEP = {POINT: (".", ","), COMMA: (",", ".")}


def written(x: float, decimal: str, grouped: bool) -> str:
    """x as a person writes it with two decimals, e.g. 1,234.50 or 1.234,50."""
    text = f"{x:,.2f}" if grouped else f"{x:.2f}"
    d, t = SEP[decimal]
    return text.replace(",", "\0").replace(".", d).replace("\0", t)


finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(finite, st.sampled_from([POINT, COMMA]), st.booleans())
def test_a_number_written_in_the_declared_convention_reads_back(x, decimal, grouped):
    assert parse_number(written(x, decimal, grouped), decimal=decimal) == pytest.approx(round(x, 2), abs=1e-9)


@given(finite, st.sampled_from([POINT, COMMA]))
def test_what_a_form_shows_reads_back_exactly(x, decimal):
    assert parse_number(format_number(x, decimal), decimal=decimal) == pytest.approx(x, rel=1e-14)


@given(st.text(max_size=20))
def test_never_a_silent_reinterpretation(text):
    """Whatever the text: a number, None (blank) or a NumberError; and when both conventions read
    it, they differ only because its separators group thousands (1,234 vs 1.234), never otherwise."""
    results = {}
    for decimal in (POINT, COMMA):
        try:
            results[decimal] = parse_number(text, decimal=decimal)
        except NumberError as exc:
            assert str(exc)  # a message that names the value
    if len(results) == 2 and results[POINT] != results[COMMA]:
        body = text.strip().lstrip("+-\u2212")
        assert "," in body or "." in body
        separator = "," if "," in body else "."
        assert all(len(group) == 3 for group in body.split(separator)[1:]), text


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("12.5", POINT, 12.5), ("12,5", COMMA, 12.5), ("1,234.5", POINT, 1234.5), ("1.234,5", COMMA, 1234.5),
        ("1 234,5", COMMA, 1234.5), ("1\u00a0234.5", POINT, 1234.5), ("-3", POINT, -3.0), ("\u22123", COMMA, -3.0),
        (".5", POINT, 0.5), ("1e3", POINT, 1000.0), ("  7 ", COMMA, 7.0), ("", POINT, None), ("  ", COMMA, None),
    ],
)  # fmt: skip
def test_well_formed_numbers(text, decimal, expected):
    assert parse_number(text, decimal=decimal) == expected


@pytest.mark.parametrize(
    ("text", "decimal", "message"),
    [
        ("12,5", POINT, "'12,5' — use 12.5, or set the workspace's decimal separator to comma."),
        ("12.5", COMMA, "'12.5' — use 12,5, or set the workspace's decimal separator to point."),
        ("1.234,5", POINT, "'1.234,5' — use 1234.5, or set the workspace's decimal separator to comma."),
        ("NaN", POINT, "'NaN' is not a finite number."),
        ("-Infinity", COMMA, "'-Infinity' is not a finite number."),
        ("1e308", POINT, "'1e308' is out of range (at most 1,000,000,000,000,000 either way)."),
        ("1e999", POINT, "'1e999' is out of range (at most 1,000,000,000,000,000 either way)."),
        ("1_000", POINT, "'1_000' is not a number (write it like 1234.5)."),
        ("12,34,56", POINT, "'12,34,56' is not a number (write it like 1234.5)."),
        ("\u0663", POINT, "'\u0663' is not a number (write it like 1234.5)."),
    ],
)
def test_malformed_numbers_are_refused_naming_the_value(text, decimal, message):
    with pytest.raises(NumberError) as exc:
        parse_number(text, decimal=decimal)
    assert str(exc.value) == message


def test_fields_name_themselves_and_bounds_hold():
    with pytest.raises(Invalid) as exc:
        number_field("12,5", "value", label="Value")
    assert exc.value.errors[0].field == "value"
    assert exc.value.errors[0].message.startswith("Value: '12,5' — use 12.5")
    with pytest.raises(NumberError, match="between 0 and 100"):
        parse_number("101", minimum=0, maximum=100)
    with pytest.raises(NumberError, match="not a whole number"):
        parse_number("2.5", integer=True)
    for number in (float("nan"), float("inf"), MAX_MAGNITUDE * 2, True):
        with pytest.raises(NumberError):
            parse_number(number)


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_encodings_are_detected(codec):
    text = "date;client;note\n2026-01-03;Société Générale;très lent \u2013 « vite » 5 €\n"
    decoded = decode(text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding == {"utf-8-sig": "utf-8", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(codec, codec)


@pytest.mark.parametrize(
    "data",
    ["текст отзыва".encode("cp1251"), "こんにちは".encode("shift_jis"), b"\x00\x01\x02binary", b"PK\x03\x04rest"],
)
def test_what_is_not_readable_text_is_one_sentence_not_a_guess(data):
    with pytest.raises(FileUnreadable) as exc:
        decode(data)
    message = str(exc.value)
    assert message.endswith("save it as “CSV UTF-8” and upload it again.") and message.count(". ") == 0


def test_separators_and_dates():
    assert [sniff_delimiter(t) for t in ("a,b\n", "a;b;c,d\n", "a\tb\n", "a\n")] == [",", ";", "\t", ","]
    assert parse_day("2026-12-31") == date(2026, 12, 31)
    assert parse_day("31/12/2026") == date(2026, 12, 31)  # only one reading
    assert parse_day("03.04.2026", "dmy") == date(2026, 4, 3)
    assert parse_day("03-04-2026", "mdy") == date(2026, 3, 4)
    assert parse_moment("31/12/2026 14:05", "dmy").isoformat() == "2026-12-31T14:05:00"
    for raw, fmt in (("03/04/2026", "iso"), ("2026-02-30", "iso"), ("31/12/26", "dmy"), ("13/13/2026", "iso")):
        with pytest.raises(DateError):
            parse_day(raw, fmt)


# ---------------------------------------------------------------- bodies over the size limit


def test_an_api_body_over_the_limit_is_a_json_413_saying_so(client, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name": "x" * 2000})
    response = client.post(
        "/api/v1/workspaces/acme/teams", body, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {cast.tokens['admin']}",
    )  # fmt: skip
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request body is too large: the limit is 1000 bytes")


def test_a_form_over_the_limit_is_a_readable_413_page(client, cast, settings):
    client.force_login(cast.members["admin"].user)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    response = client.post("/w/acme/settings", {"name": "x" * (3 * 1024 * 1024), "version": 1})
    assert response.status_code == 413
    assert "The request body is too large: the limit is 2 MB" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
