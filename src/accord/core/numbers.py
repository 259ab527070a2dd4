"""The one parser for numbers people type or import: never a silent reinterpretation.

A workspace (or an import) declares its decimal separator: "point" (1,234.5; the default) or
"comma" (1.234,5). The thousands separator follows (the other one of the two); a space (also a
no-break space) groups thousands in either. A number is read only when it is well formed under the
declared separators; anything else is refused with a message that names the value and, when the
value reads under the other convention, what to type instead:

    "12,5" with point  -> refused: "'12,5' — use 12.5, or set the decimal separator to comma."
    "1.234,5" with comma -> 1234.5      "1,234" with point -> 1234 (thousands in groups of 3)
    "NaN", "inf", "1e999", "1_000", "٣" -> refused

Numbers the API receives as JSON numbers come through `check_number` (finite, within range).
"""

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from .errors import Invalid

POINT, COMMA = "point", "comma"
DECIMAL_CHOICES = [(POINT, "Point: 1,234.5"), (COMMA, "Comma: 1.234,5")]
# Beyond this, a float no longer holds every whole number (2**53 ≈ 9.007e15) and sums overflow.
MAX_MAGNITUDE = 1e15
_SEP = {POINT: (".", ","), COMMA: (",", ".")}
_SPACES = " \u00a0\u202f"
_MINUS = "-\u2212"

# Where the refusal says what to change: a form (the workspace's setting) or an import (its option).
HINTS = {
    "workspace": "or set the workspace's decimal separator to {other}",
    "import": "or choose {other} as the file's decimal separator",
    "none": "",
}


class NumberError(ValueError):
    """A value that is not a number under the declared separators; the message names the value."""


@dataclass(frozen=True)
class Separators:
    decimal: str  # "." or ","
    thousands: str  # "," or "."

    @classmethod
    def of(cls, name: str) -> "Separators":
        try:
            return cls(*_SEP[name])
        except KeyError:
            raise ValueError(f"Unknown decimal separator {name!r}; use point or comma.") from None


def _pattern(decimal: str, thousands: str) -> re.Pattern:
    d = re.escape(decimal)
    digits = r"[0-9]"
    plain = rf"{digits}+(?:{d}{digits}+)?|{d}{digits}+"
    grouped = "|".join(
        rf"{digits}{{1,3}}(?:{re.escape(g)}{digits}{{3}})+(?:{d}{digits}+)?" for g in (thousands, *_SPACES)
    )
    exponent = rf"{digits}+(?:{d}{digits}+)?[eE][+-]?[0-9]{{1,4}}"
    return re.compile(rf"(?:{exponent}|{grouped}|{plain})", re.ASCII)


_PATTERNS = {name: _pattern(*sep) for name, sep in _SEP.items()}


def _shown(raw: str) -> str:
    raw = raw if len(raw) <= 40 else raw[:39] + "…"
    return f"'{raw}'"


def _canonical(body: str, name: str) -> str:
    """A well-formed body under `name` as Python reads it: no grouping, a point."""
    decimal, thousands = _SEP[name]
    for g in (thousands, *_SPACES):
        body = body.replace(g, "")
    return body.replace(decimal, ".")


def _split_sign(text: str) -> tuple[str, str]:
    if text[:1] in _MINUS:
        return "-", text[1:]
    if text[:1] == "+":
        return "", text[1:]
    return "", text


def _limit_text(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def check_number(
    value: float,
    raw: str | None = None,
    *,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float:
    """A number (parsed, or sent as a JSON number) that is finite and within the bounds; else NumberError."""
    shown = _shown(raw if raw is not None else repr(value))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NumberError(f"{shown} is not a number.")
    if not math.isfinite(value):
        raise NumberError(f"{shown} is not a finite number.")
    if abs(value) > MAX_MAGNITUDE:
        raise NumberError(f"{shown} is out of range (at most {_limit_text(MAX_MAGNITUDE)} either way).")
    if integer and not float(value).is_integer():
        raise NumberError(f"{shown} is not a whole number.")
    if minimum is not None and maximum is not None and not minimum <= value <= maximum:
        raise NumberError(f"{shown} must be between {_limit_text(minimum)} and {_limit_text(maximum)}.")
    if minimum is not None and value < minimum:
        raise NumberError(f"{shown} must be at least {_limit_text(minimum)}.")
    if maximum is not None and value > maximum:
        raise NumberError(f"{shown} must be at most {_limit_text(maximum)}.")
    return value


def parse_number(
    raw,
    *,
    decimal: str = POINT,
    hint: str = "workspace",
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float | None:
    """Text typed or imported -> a float (None when blank); NumberError when it is not a number
    under `decimal` ("point" or "comma"), not finite, or out of range.

    Numbers (not text) are checked as they are: a spreadsheet or JSON cell already holds one.
    """
    if raw is None:
        return None
    if not isinstance(raw, str):
        return check_number(raw, integer=integer, minimum=minimum, maximum=maximum)
    Separators.of(decimal)  # an unknown name is a programming error
    text = raw.strip(_SPACES + "\t\r\n")
    if not text:
        return None
    sign, body = _split_sign(text)
    if _PATTERNS[decimal].fullmatch(body):
        value = float(sign + _canonical(body, decimal))
        if not math.isfinite(value):  # 1e999
            raise NumberError(f"{_shown(text)} is out of range (at most {_limit_text(MAX_MAGNITUDE)} either way).")
        return check_number(value, raw.strip(), integer=integer, minimum=minimum, maximum=maximum)
    shown = _shown(text)
    if body.lower().lstrip("+-") in ("nan", "inf", "infinity") or text.lower() in ("nan", "inf", "-inf", "+inf"):
        raise NumberError(f"{shown} is not a finite number.")
    other = COMMA if decimal == POINT else POINT
    if _PATTERNS[other].fullmatch(body):
        plain = _canonical(body, other)
        suggestion = sign + ("0" + plain if plain.startswith(".") else plain).replace(".", _SEP[decimal][0])
        advice = HINTS.get(hint, "").format(other=other)
        raise NumberError(f"{shown} — use {suggestion}" + (f", {advice}." if advice else "."))
    if integer:
        raise NumberError(f"{shown} is not a whole number.")
    example = "1234.5" if decimal == POINT else "1234,5"
    raise NumberError(f"{shown} is not a number (write it like {example}).")


def to_float(value) -> float:
    """A number from code or a JSON body (or text written with a point) as a finite float in range:
    for services that take numbers; NumberError (a ValueError) otherwise, blank included."""
    number = parse_number(value, hint="none") if isinstance(value, str) else check_number(value)
    if number is None:
        raise NumberError("A number is required.")
    return float(number)


def number_field(
    raw,
    field: str,
    *,
    label: str | None = None,
    decimal: str = POINT,
    hint: str = "workspace",
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float | None:
    """parse_number for a form or API field: Invalid naming the field (and its label) instead."""
    try:
        return parse_number(raw, decimal=decimal, hint=hint, integer=integer, minimum=minimum, maximum=maximum)
    except NumberError as exc:
        raise Invalid.field(field, f"{label}: {exc}" if label else str(exc)) from None


def format_number(value: float | None, decimal: str = POINT) -> str:
    """A number as a form shows it for editing: no grouping, the workspace's decimal separator."""
    if value is None:
        return ""
    text = f"{value:.15g}"
    if "e" in text:
        text = format(Decimal(text), "f")
    return text.replace(".", _SEP[decimal][0])
