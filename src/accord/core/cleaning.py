"""Input cleaning every service shares."""

import re

from .errors import Invalid

# Line breaks, tabs and the separators str.splitlines() and e-mail headers treat as line ends.
_BREAKS = re.compile(r"\s*[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]\s*")


def one_line(value: str) -> str:
    """Every line break or tab (with the spaces around it) becomes one space.

    Titles and names are shown on one line and end up in mail subjects and calendar
    properties, where a line break is refused or breaks the format.
    """
    return _BREAKS.sub(" ", value)


def clean_text(
    value: str | None,
    field: str,
    *,
    required: bool = False,
    max_length: int = 200,
    multiline: bool = False,
) -> str:
    """Trimmed text; a clear error naming the field when it is missing or too long.

    Text is one line unless `multiline` (descriptions, comments, feedback text): CR, LF and
    tabs in a one-line field become single spaces.
    """
    value = (value or "").strip()
    if not multiline:
        value = one_line(value)
    if required and not value:
        raise Invalid.field(field, f"{field.replace('_', ' ').capitalize()} is required.")
    if len(value) > max_length:
        raise Invalid.field(field, f"At most {max_length} characters.")
    return value
