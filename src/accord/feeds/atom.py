"""A feed as Atom (RFC 4287): the audit entries, told by the one history formatter.

Every id is a tag: URI (RFC 4151) that never changes: the feed's names its workspace, scope and
object; an entry's names its audit entry. Links are absolute (ACCORD_BASE_URL).
"""

import hashlib
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html_join

from accord.audit.history import Story
from accord.core.web import with_query

from .services import ResolvedFeed

NS = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"


def base_url() -> str:
    return settings.ACCORD_BASE_URL.rstrip("/")


def _host() -> str:
    return urlsplit(base_url()).hostname or "accord.invalid"


def stamp(moment: datetime) -> str:
    """RFC 3339 in UTC: 2026-12-06T16:53:02Z."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def feed_id(feed: ResolvedFeed) -> str:
    token = feed.token
    tail = f"/{token.object_id}" if token.object_id is not None else ""
    since = f"{token.workspace.created_at.astimezone(UTC):%Y-%m-%d}"
    return f"tag:{_host()},{since}:accord/workspaces/{token.workspace_id}/feeds/{token.scope}{tail}"


def entry_id(entry) -> str:
    return f"tag:{_host()},{entry.at.astimezone(UTC):%Y-%m-%d}:accord/audit/{entry.pk}"


def title(feed: ResolvedFeed) -> str:
    return f"{feed.scope.label}: {feed.obj}"


def etag(feed: ResolvedFeed, entries: list) -> str:
    """Changes when an entry comes in, the object is renamed, or another token asks."""
    seen = "|".join(f"{e.pk}:{e.at.timestamp()}" for e in entries)
    digest = hashlib.sha256(f"{feed.token.pk}|{title(feed)}|{seen}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def last_modified(feed: ResolvedFeed, entries: list) -> datetime:
    return entries[0].at if entries else feed.token.created_at


def _object_link(story: Story, slug: str) -> str:
    """The object's page, or (gone, or a type without a page) its entries in the audit trail."""
    if story.url:
        return story.url
    entry = story.entry
    trail = base_url() + reverse("audit", args=[slug])
    return with_query(trail, {"object_type": entry.object_type, "object_id": entry.object_id})


def _content(story: Story) -> str:
    html = f"<p>{story.html}</p>"
    if story.details:
        html += format_html_join("", "<li>{}</li>", ((d.html,) for d in story.details)).join(
            ["<ul>", "</ul>"]
        )
    return html


def _el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, f"{{{NS}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def render(feed: ResolvedFeed, entries: list, stories: list[Story], *, self_url: str) -> bytes:
    ET.register_namespace("", NS)
    slug = feed.token.workspace.slug
    root = ET.Element(f"{{{NS}}}feed")
    _el(root, "id", feed_id(feed))
    _el(root, "title", title(feed), type="text")
    _el(root, "subtitle", f"What changes in {feed.token.workspace.name}, on Accord.", type="text")
    _el(root, "updated", stamp(last_modified(feed, entries)))
    _el(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _el(root, "link", rel="alternate", type="text/html", href=base_url() + feed.scope.url(feed.obj))
    author = _el(root, "author")
    _el(author, "name", feed.token.workspace.name)
    _el(author, "uri", base_url() + reverse("workspace_home", args=[slug]))
    _el(root, "generator", "Accord", uri=base_url() + "/")
    for story in stories:
        entry = story.entry
        if story.url and story.url.startswith("/"):
            story.url = base_url() + story.url  # absolute, in the link and in the sentence
        node = _el(root, "entry")
        _el(node, "id", entry_id(entry))
        _el(node, "title", story.text, type="text")
        _el(node, "updated", stamp(entry.at))
        _el(node, "published", stamp(entry.at))
        _el(_el(node, "author"), "name", story.actor)
        _el(node, "link", rel="alternate", type="text/html", href=_object_link(story, slug))
        _el(node, "category", term=entry.object_type)
        _el(node, "content", _content(story), type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
