"""The capture shortcut: turn a pasted e-mail or chat snippet into feedback fields.

Reads the header lines a mail client copies (From:, Subject:, Date:), a chat line's speaker
("[10:32] Jane Doe: ..." or "Jane Doe: ..."), and keeps only what the customer wrote: quoted
replies ("> ...", "On ... wrote:", "-----Original Message-----", an Outlook "From: ... Sent:" block)
and signatures ("-- ", "Sent from my iPhone", a closing like "Best regards," with a few short
lines after it) are dropped. A guess the user checks before saving, never a silent import.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import getaddresses, parsedate_to_datetime

_HEADER = re.compile(r"^(from|to|cc|bcc|subject|date|sent|reply-to)\s*:\s*(.*)$", re.IGNORECASE)
_WROTE = re.compile(r"^\s*(on\s.+wrote:|le\s.+a écrit\s*:|am\s.+schrieb.*:)\s*$", re.IGNORECASE)
_ORIGINAL = re.compile(r"^\s*-{2,}\s*(original message|forwarded message)\s*-{2,}\s*$", re.IGNORECASE)
_CLOSING = re.compile(
    r"^\s*(best( regards)?|kind regards|regards|warm regards|thanks( again| so much)?|thank you|"
    r"many thanks|cheers|all the best|sincerely|br|kr|talk soon)\s*[,.!]?\s*$",
    re.IGNORECASE,
)
_MOBILE = re.compile(r"^\s*sent from my \w+", re.IGNORECASE)
_CHAT = re.compile(r"^\s*(?:\[[^\]]{1,30}\]\s*)?([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3})\s*:\s+(.+)$")
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|tr)\s*:\s*)+", re.IGNORECASE)
FREE_MAIL = {
    "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
    "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net",
    "web.de", "mail.com", "yandex.ru", "qq.com",
}


@dataclass
class Captured:
    text: str
    title: str = ""
    name: str = ""
    email: str = ""
    company: str = ""
    received_at: datetime | None = None


def _company_of(email: str) -> str:
    domain = email.rpartition("@")[2].lower()
    if not domain or domain in FREE_MAIL:
        return ""
    parts = domain.split(".")
    label = parts[-3] if len(parts) > 2 and parts[-2] in ("co", "com", "org", "ac") else parts[-2] if len(parts) > 1 else parts[0]
    return label.replace("-", " ").title()


def _name_from_email(email: str) -> str:
    local = email.partition("@")[0]
    words = [w for w in re.split(r"[._-]+", local) if w.isalpha()]
    return " ".join(w.capitalize() for w in words) if len(words) >= 2 else ""


def _strip_quotes_and_signature(lines: list[str]) -> list[str]:
    kept: list[str] = []
    for n, line in enumerate(lines):
        if _WROTE.match(line) or _ORIGINAL.match(line) or line.rstrip() in ("--", "-- ", "__"):
            break
        if _MOBILE.match(line):
            break
        # An Outlook reply: "From: ..." followed within two lines by "Sent:" or "Date:".
        if line.lower().startswith("from:") and any(
            re.match(r"^\s*(sent|date)\s*:", nxt, re.IGNORECASE) for nxt in lines[n + 1 : n + 3]
        ):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    # A closing ("Best regards,") with at most four short lines after it ends the message.
    for n in range(len(kept) - 1, -1, -1):
        if _CLOSING.match(kept[n]):
            tail = [t for t in kept[n + 1 :] if t.strip()]
            if len(tail) <= 4 and all(len(t) < 60 for t in tail):
                kept = kept[:n]
            break
    while kept and not kept[-1].strip():
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return kept


def parse(pasted: str) -> Captured:
    lines = (pasted or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headers: dict[str, str] = {}
    n = 0
    while n < len(lines) and not lines[n].strip():
        n += 1
    while n < len(lines) and (m := _HEADER.match(lines[n])):
        headers.setdefault(m.group(1).lower(), m.group(2).strip())
        n += 1
    body = lines[n:]
    captured = Captured(text="")
    if "from" in headers:
        name, email = getaddresses([headers["from"]])[0]
        captured.email = email.lower() if "@" in email else ""
        captured.name = name.strip().strip('"') or _name_from_email(captured.email)
    if "subject" in headers:
        captured.title = _SUBJECT_PREFIX.sub("", headers["subject"]).strip()[:200]
    when = headers.get("date") or headers.get("sent")
    if when:
        try:
            captured.received_at = parsedate_to_datetime(when)
        except (TypeError, ValueError, IndexError):
            captured.received_at = None
    if not headers:
        # A chat snippet: the first speaker is the customer; drop the "Name:" prefixes of their lines.
        speakers = [m for line in body if not _HEADER.match(line) and (m := _CHAT.match(line))]
        if speakers:
            customer = speakers[0].group(1)
            captured.name = customer
            body = [
                m.group(2) if (m := _CHAT.match(line)) and m.group(1) == customer else line
                for line in body
                if not ((m := _CHAT.match(line)) and m.group(1) != customer)
            ]
        else:
            emails = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", pasted or "")
            if emails:
                captured.email = emails[0].lower()
                captured.name = _name_from_email(captured.email)
    captured.company = _company_of(captured.email)
    captured.text = "\n".join(_strip_quotes_and_signature(body)).strip()
    return captured
