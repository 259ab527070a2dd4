"""What higher capabilities plug into notifications.

- RECIPIENTS: who hears about an audit entry, and why. A provider returns {user_id: reason} for
  one entry (reasons are short keys: "watching", "mentioned", "responsible"); the inbox listener
  asks every provider, keeps one notification per person per entry with the strongest reason,
  and leaves out the actor and people who are no longer members. The collaboration capability
  registers "collab.watchers" and "collab.mentions".
- KINDS: the kinds of notification people choose e-mail (and in-app) for, one row each on the
  preferences page. A notification's kind is its reason (an unknown reason counts as "watching").
- DIGEST_SECTIONS: the parts of the weekly digest. Each capability that has something to say
  in it ("new feedback on your ideas", "your pending sign-offs") registers a section; a section
  that finds nothing for a person is left out, and a digest with no sections is not sent.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from accord.audit.models import AuditEntry
from accord.core.registry import Registry


@dataclass(frozen=True)
class Recipients:
    key: str  # "<app>.<purpose>", e.g. "collab.watchers"
    users: Callable[[AuditEntry], dict[int, str]]  # entry -> {user_id: reason}


RECIPIENTS: Registry[Recipients] = Registry("Notification recipients")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # how the preferences page names it: "Someone mentions me"
    email_default: bool = True
    order: int = 100


KINDS: Registry[Kind] = Registry("Notification kind")

# The strongest reason wins when several providers name the same person for one entry.
STRENGTH = {"mentioned": 3, "responsible": 2, "watching": 1}
FALLBACK_KIND = "watching"


def strength(reason: str) -> int:
    return STRENGTH.get(reason, 0)


@dataclass(frozen=True)
class DigestLine:
    text: str  # one plain-language line: "Priya Natarajan moved roadmap item Self-serve SSO …"
    url: str = ""  # absolute or site-relative link to the object


@dataclass(frozen=True)
class DigestContext:
    """What a digest section is asked about: one person, one workspace, one period."""

    user: Any
    workspace: Any
    since: datetime
    until: datetime


@dataclass(frozen=True)
class DigestSection:
    key: str
    title: str  # "What changed on the roadmaps you watch"
    lines: Callable[[DigestContext], list[DigestLine]]
    order: int = 100
    limit: int = field(default=20)  # at most this many lines; "and N more" after them


DIGEST_SECTIONS: Registry[DigestSection] = Registry("Digest section")


KINDS.add(Kind("mentioned", "Someone mentions me", order=10))
KINDS.add(Kind("responsible", "Changes to what I am responsible for", order=20))
KINDS.add(Kind("watching", "Changes and comments on what I watch", order=30))
KINDS.add(Kind("webhook_paused", "A webhook I own is paused", order=40))
KINDS.add(Kind("digest", "The weekly digest", order=90))


def kind_of(reason: str) -> str:
    return reason if reason in KINDS else FALLBACK_KIND
