"""Reading the files people import (feedback, goal values, roadmap items): one helper for all.

- Encoding: "auto" (a BOM says UTF-8 or UTF-16; else UTF-8 if the bytes are UTF-8; else UTF-16 when
  every other byte is zero, as in Latin text; else Windows-1252 when charset-normalizer finds it
  plausible), or declared: "utf-8", "utf-16", "cp1252".
- Separator: the header line decides between comma, semicolon and tab.
- Dates: ISO (2026-12-31) always; 31/12/2026, 31.12.2026 or 31-12-2026 when the day/month order is
  declared ("dmy" or "mdy"), or when only one order makes a date (31/12/2026). A date that reads
  both ways (03/04/2026) without a declaration is refused: never guessed.
- Numbers: accord.core.numbers, with the separators the import declares.

A file that cannot be read at all is a FileUnreadable with one sentence that says what to do.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from charset_normalizer import from_bytes

from .numbers import COMMA, POINT

ENCODINGS = [
    ("auto", "Detect"),
    ("utf-8", "UTF-8"),
    ("utf-16", "UTF-16"),
    ("cp1252", "Windows-1252 (Excel “CSV”, Western Europe)"),
]
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}
DATE_FORMATS = [
    ("iso", "YYYY-MM-DD (31/12/2026 only when unambiguous)"),
    ("dmy", "Day first: 31/12/2026"),
    ("mdy", "Month first: 12/31/2026"),
]
DECIMALS = [(POINT, "Point: 1,234.5"), (COMMA, "Comma: 1.234,5")]
SAVE_AS = "save it as “CSV UTF-8” and upload it again"

# csv refuses a cell over 128 KiB with an error that names no row or column. The files are limited
# in size, so lift that limit and let each importer say which cell of which row is too long.
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))


class FileUnreadable(Exception):
    """The file as a whole cannot be read; the message is one sentence that says what to do."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-16" or "cp1252"

    @property
    def encoding_label(self) -> str:
        return ENCODING_LABELS[self.encoding]


def check_choice(value: str, choices: list[tuple[str, str]], what: str) -> str:
    value = (value or choices[0][0]).strip().lower()
    if value not in dict(choices):
        raise FileUnreadable(f"Unknown {what} {value[:20]!r}: use one of {', '.join(k for k, _ in choices)}.")
    return value


def decode(data: bytes, encoding: str = "auto") -> Decoded:
    """The file's text in the declared (or detected) encoding; FileUnreadable when it is not text."""
    encoding = check_choice(encoding, ENCODINGS, "encoding")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileUnreadable(f"This is a spreadsheet workbook (.xlsx or .xls), not a CSV file: {SAVE_AS}.")
    if encoding == "auto":
        decoded = _detect(data)
    else:
        codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16", "cp1252": "cp1252"}[encoding]
        try:
            decoded = Decoded(codecs.decode(data, codec), encoding)
        except UnicodeDecodeError as exc:
            raise FileUnreadable(
                f"The file is not {ENCODING_LABELS[encoding]} text (byte {exc.start + 1} does not fit): "
                f"choose another encoding, or {SAVE_AS}."
            ) from None
    text = decoded.text.lstrip("\ufeff")
    if "\x00" in text:
        raise FileUnreadable(f"The file holds binary data (NUL characters), not text: {SAVE_AS}.")
    return Decoded(text, decoded.encoding)


# What Windows-1252 makes of bytes 0x80-0x9F (quotes, dashes, €, Œ, ...).
_CP1252_EXTRA = re.escape(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
# Signs of another encoding read as Windows-1252: three accented letters in a row (Cyrillic,
# Greek), or one of those signs right before another non-ASCII character (Shift-JIS, GBK).
_FOREIGN_RUN = re.compile(rf"[\u00c0-\u00ff]{{3}}|[{_CP1252_EXTRA}][^\x00-\x7f]")


def _detect(data: bytes) -> Decoded:
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(_strict(data, "utf-8-sig"), "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(_strict(data, "utf-16"), "utf-16")
    if b"\x00" not in data:
        try:
            return Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        # UTF-16 without a BOM: told by the zero high bytes of Latin text (else it is binary data).
        for codec, zeros in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
            if len(data) % 2 == 0 and zeros.count(0) >= 0.9 * len(zeros):
                return Decoded(_strict(data, codec), "utf-16")
        raise FileUnreadable(f"The file holds binary data (NUL bytes), not text: {SAVE_AS}.")
    # charset-normalizer judges whether the bytes read as Windows-1252 text; on a short file it may
    # have no opinion, then a strict decode decides. Short Cyrillic or Greek text passes as
    # Windows-1252 ("текст" reads "òåêñò"), but Western words rarely hold three accented letters
    # in a row: such a file is not guessed.
    best = from_bytes(data, cp_isolation=["cp1252"]).best()
    try:
        text = str(best) if best is not None else data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is None or _FOREIGN_RUN.search(text):
        raise FileUnreadable(
            "Accord cannot tell this file's encoding (it is not UTF-8, UTF-16 or Windows-1252 text): "
            f"choose its encoding, or {SAVE_AS}."
        )
    return Decoded(text, "cp1252")


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise FileUnreadable(
            f"The file starts like {codec.split('-sig')[0].upper()} text but byte {exc.start + 1} is not: {SAVE_AS}."
        ) from None


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the header line has most of (comma when none)."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in ",;\t"}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_reader(text: str, delimiter: str | None = None, *, strict: bool = True):
    """csv.reader over the text with the sniffed (or given) separator."""
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or sniff_delimiter(text), strict=strict)


# ---------------------------------------------------------------- dates

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_OTHER = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})", re.ASCII)
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", re.ASCII)


class DateError(ValueError):
    """Not a date under the declared format; the message names the value and what to do."""


def parse_day(raw: str, date_format: str = "iso") -> date:
    """'2026-12-31', or '31/12/2026' (day first) / '12/31/2026' (month first) as declared."""
    raw = raw.strip()
    shown = f"'{raw[:40]}'"
    if m := _ISO.fullmatch(raw):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise DateError(f"{shown} is not a date.") from None
    m = _OTHER.fullmatch(raw)
    if not m:
        raise DateError(f"{shown} is not a date: use YYYY-MM-DD (or 31/12/2026 with the day-first date format).")
    a, b, year = int(m[1]), int(m[3]), int(m[4])
    readings = {}
    for order, (day, month) in (("dmy", (a, b)), ("mdy", (b, a))):
        try:
            readings[order] = date(year, month, day)
        except ValueError:
            pass
    if date_format in ("dmy", "mdy"):
        if date_format not in readings:
            first = "day" if date_format == "dmy" else "month"
            raise DateError(f"{shown} is not a date with the {first} first.")
        return readings[date_format]
    if not readings:
        raise DateError(f"{shown} is not a date.")
    if len(set(readings.values())) > 1:
        dmy, mdy = readings["dmy"], readings["mdy"]
        raise DateError(
            f"{shown} could be {_long(dmy)} or {_long(mdy)}: choose day-first or month-first dates "
            "for the file, or write it as YYYY-MM-DD."
        )
    return next(iter(readings.values()))


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def parse_moment(raw: str, date_format: str = "iso") -> datetime | date:
    """A date with an optional time after it ('31/12/2026 14:05'): a naive datetime, or a date alone.
    ISO 8601 date-times ('2026-12-31T14:05:00Z') are read by the caller (django's parse_datetime)."""
    raw = raw.strip()
    day_part, _, time_part = raw.partition(" ")
    day = parse_day(day_part, date_format)
    if not time_part.strip():
        return day
    m = _TIME.fullmatch(time_part.strip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59 or int(m[3] or 0) > 59:
        raise DateError(f"'{raw[:40]}' has a time that is not HH:MM or HH:MM:SS.")
    return datetime.combine(day, time(int(m[1]), int(m[2]), int(m[3] or 0)))
