"""Spreadsheet formula injection guard for CSV exports."""

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value
