"""Spreadsheet formula injection guard for CSV exports (and its inverse for CSV imports)."""

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object, *, reversible: bool = False) -> object:
    """A text a spreadsheet would run as a formula, with a ' in front (shown as text).

    reversible: a text that itself starts with ' and a character restore_cell() would take off
    gets one more ', so that restore_cell(safe_cell(v, reversible=True)) == v for every text."""
    if not isinstance(value, str):
        return value
    if value.startswith(_DANGEROUS) or (
        reversible and value[:1] == "'" and value[1:2] and value[1] in "'=+-@\t\r"
    ):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """A cell of an exported CSV as it was before safe_cell(..., reversible=True)."""
    if len(value) > 1 and value[0] == "'" and value[1] in "'=+-@\t\r":
        return value[1:]
    return value
