"""Markdown to safe HTML: render, then sanitize (no scripts, no on* attributes, no js/data links)."""

from html import unescape

import nh3
from django.utils.html import strip_tags
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")

_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "img",
}
_ATTRS = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str) -> str:
    html = _md.render(text or "")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def markdown_text(text: str) -> str:
    """What Markdown says, as plain text ("**2 sprints**" reads "2 sprints"): excerpts, mails."""
    return unescape(strip_tags(render_markdown(text)))
