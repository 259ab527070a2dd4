"""`{{ html|marked:request }}`: rendered, sanitized text with the registered marks for its reader
(accord.core.markup; the glossary marks its terms)."""

from django import template
from django.utils.safestring import mark_safe

from accord.core import markup

register = template.Library()


@register.filter
def marked(html, request=None):
    """Mark sanitized HTML (from accord.core.markdown) for the reader of this request."""
    return mark_safe(markup.mark(str(html or ""), request))  # noqa: S308 (sanitized input, marks escape)
