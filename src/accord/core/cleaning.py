"""Input cleaning every service shares."""

from .errors import Invalid


def clean_text(
    value: str | None, field: str, *, required: bool = False, max_length: int = 200
) -> str:
    """Trimmed text; a clear error naming the field when it is missing or too long."""
    value = (value or "").strip()
    if required and not value:
        raise Invalid.field(field, f"{field.replace('_', ' ').capitalize()} is required.")
    if len(value) > max_length:
        raise Invalid.field(field, f"At most {max_length} characters.")
    return value
