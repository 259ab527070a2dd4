"""@mentions in a comment: written `@[Name](user:ID)` (what the people autocomplete inserts) or
`@someone@example.com` (typed by hand, or by an API client), stored as the first form, shown as
names. Only members who may view the discussed object count as mentioned."""

import re
import secrets

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from accord.core.markdown import render_markdown

MARKUP = re.compile(r"@\[(?P<name>[^\[\]\n]{1,150})\]\(user:(?P<id>\d{1,18})\)")
EMAIL = re.compile(r"(?<![\w.+-])@(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)")
MAX_MENTIONS = 50


def markup(name: str, user_id: int) -> str:
    """How a mention is written; brackets in the name would end it early, so they go."""
    clean = re.sub(r"[\[\]\n\r]", "", name).strip() or "someone"
    return f"@[{clean[:150]}](user:{user_id})"


def emails(body: str) -> set[str]:
    return {m.group("email").lower() for m in EMAIL.finditer(body)}


def normalize(body: str, by_email: dict[str, tuple[int, str]]) -> str:
    """`@email` of a member (by_email: lower-case e-mail -> (user id, name)) becomes markup."""

    def swap(match: re.Match) -> str:
        found = by_email.get(match.group("email").lower())
        return markup(found[1], found[0]) if found else match.group(0)

    return EMAIL.sub(swap, body)


def user_ids(body: str) -> list[int]:
    """The ids the markup names, in order of first appearance."""
    seen: list[int] = []
    for match in MARKUP.finditer(body):
        uid = int(match.group("id"))
        if uid not in seen:
            seen.append(uid)
    return seen


def plain(body: str, names: dict[int, str] | None = None) -> str:
    """The body with every mention as "@Name" (current names where known): excerpts, e-mails."""
    names = names or {}
    return MARKUP.sub(lambda m: "@" + names.get(int(m.group("id")), m.group("name")), body)


def render(body: str, names: dict[int, str], counted: set[int] | list[int]) -> SafeString:
    """The comment as sanitised HTML; mentions of counted members as highlighted names."""
    marker = "zq" + secrets.token_hex(6)
    spans: list[SafeString] = []

    def hold(match: re.Match) -> str:
        uid = int(match.group("id"))
        name = names.get(uid, match.group("name"))
        if uid in counted:
            spans.append(format_html('<span class="mention" data-user="{}">@{}</span>', uid, name))
        else:
            spans.append(format_html("@{}", name))
        return f"{marker}x{len(spans) - 1}x"

    html = render_markdown(MARKUP.sub(hold, body))
    html = re.sub(rf"{marker}x(\d+)x", lambda m: str(spans[int(m.group(1))]), html)
    return mark_safe(html)  # noqa: S308 (sanitised Markdown; the names are escaped by format_html)
