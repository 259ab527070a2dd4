"""Marks in Accord's rendered text: one registry every text passes through.

Texts (idea and roadmap item descriptions, goals, ...) are rendered by accord.core.markdown and
shown with the `marked` filter (accord.core.templatetags.markup):

    {% load markup %}{{ description_html|marked:request }}

A higher app registers a text marker at start-up (the glossary marks its terms):

    register_text_marker(fn)   # fn(html, request) -> html

A marker gets the sanitized HTML and the request (the reader), and returns HTML. It must change
only text nodes, never tags or attributes: `map_text(html, fn)` walks the HTML and calls fn on the
text outside links, code, buttons and other marks. Lower apps never import the markers.
"""

import re
from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

from .markdown import render_markdown

TextMarker = Callable[[str, object], str]
_MARKERS: list[TextMarker] = []

# A tag of sanitized HTML (nh3 quotes every attribute value; `>` may occur inside quotes), or a
# comment. Everything between two tags is a text node (with &amp; &lt; &gt; escaped).
_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)
# Text inside these is never marked: links and buttons already act, code is verbatim, and a mark
# (dfn, abbr) is not marked again.
SKIP = frozenset(
    {
        "a",
        "button",
        "code",
        "pre",
        "kbd",
        "samp",
        "dfn",
        "abbr",
        "script",
        "style",
        "textarea",
        "select",
        "option",
    }
)
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "source"})


def register_text_marker(marker: TextMarker) -> None:
    """Add a marker (once); markers run in registration order."""
    if marker not in _MARKERS:
        _MARKERS.append(marker)


def unregister_text_marker(marker: TextMarker) -> None:
    if marker in _MARKERS:
        _MARKERS.remove(marker)


def mark(html: str, request=None) -> str:
    """The HTML with every registered marker applied for this reader."""
    for marker in _MARKERS:
        html = marker(html, request)
    return html


def render_marked(text: str, request=None) -> SafeString:
    """Markdown to sanitized HTML, marked for the reader."""
    return mark_safe(mark(render_markdown(text), request))  # noqa: S308 (sanitized, marks escape their text)


def map_text(html: str, fn: Callable[[str], str]) -> str:
    """Apply fn to every text node of `html` that is not inside a SKIP element; tags stay as they are."""
    out: list[str] = []
    skipping = 0  # depth of open SKIP elements
    pos = 0
    for m in _TAG.finditer(html):
        if m.start() > pos:
            text = html[pos : m.start()]
            out.append(text if skipping else fn(text))
        out.append(m.group(0))
        name = (m.group(2) or "").lower()
        if name in SKIP and not m.group(0).endswith("/>") and name not in _VOID:
            skipping += -1 if m.group(1) else 1
            skipping = max(skipping, 0)
        pos = m.end()
    if pos < len(html):
        out.append(html[pos:] if skipping else fn(html[pos:]))
    return "".join(out)
