"""Terms shown in context: every text Accord renders passes through `mark_for_reader` (registered
with accord.core.markup), which marks the first occurrence of each term or synonym and attaches the
definition for the reader's departments.

Speed: a workspace's names are compiled once per term-list version into ONE regular expression
shaped like a trie (`activation|active` becomes `activ(?:ation|e)`), so the engine tries only the
branches that share the letters read so far, and greedy optional branches prefer the longest name.
The compiled list is cached in the process, keyed by the workspace and the random stamp that every
change to its terms writes (GlossaryState): a page costs one small query to read the stamp, and a
change anywhere is seen by every process at the next page.

Matching: whole words (no letter, digit or underscore either side), case-insensitive, runs of
spaces in a name match any white space, and simple English plurals of a name match too ("leads",
"releases", "activities"). Only text nodes of the sanitized HTML are read (accord.core.markup.
map_text): never attributes, links or code.
"""

import html as html_lib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from accord.core.markup import map_text
from accord.workspaces.models import TeamKind

AUDIENCES = [k for k in TeamKind.values if k != TeamKind.CUSTOM]
AUDIENCE_LABELS = {k: ("IT" if k == TeamKind.IT else label) for k, label in TeamKind.choices}
CACHE_SIZE = 64  # workspaces whose compiled term lists a process keeps

_SPACE = re.compile(r"\s+")


def fold(name: str) -> str:
    """The key a name is compared by: case-folded, runs of white space as one space."""
    return _SPACE.sub(" ", name).strip().casefold()


def plurals(key: str) -> list[str]:
    if not key or not key[-1].isalpha():
        return []
    if key.endswith(("s", "x", "z", "ch", "sh")):
        return [key + "es"]
    if key.endswith("y") and len(key) > 1 and key[-2] not in "aeiou":
        return [key[:-1] + "ies"]
    return [key + "s"]


def _trie_pattern(keys: list[str]) -> str:
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = True
    return _node_pattern(trie)


def _char(ch: str) -> str:
    return r"\s+" if ch == " " else re.escape(ch)


def _node_pattern(node: dict) -> str:
    # Iterative along single-child chains (names share long tails), recursive at branches.
    parts: list[str] = []
    while True:
        children = [k for k in node if k]
        ends = "" in node
        if len(children) == 1 and not ends:
            parts.append(_char(children[0]))
            node = node[children[0]]
            continue
        if not children:
            return "".join(parts)
        alts = [_char(ch) + _node_pattern(node[ch]) for ch in sorted(children)]
        group = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if len(alts) == 1 and len(alts[0]) > 1:
            group = "(?:" + group + ")"
        parts.append(group + ("?" if ends else ""))
        return "".join(parts)


@dataclass(frozen=True)
class Entry:
    id: int
    name: str
    status: str
    definitions: dict


class Matcher:
    """Names (escaped as in HTML text) -> term ids, with one compiled pattern over all of them."""

    def __init__(self, names: dict[str, int]):
        keys: dict[str, int] = {}
        for name, term_id in names.items():
            key = html_lib.escape(_SPACE.sub(" ", name).strip().lower(), quote=False)
            if key:
                keys[key] = term_id
        for key, term_id in list(keys.items()):
            for plural in plurals(key):
                keys.setdefault(plural, term_id)
        self.keys = keys
        self.source = r"(?<![\w&#])(?:" + _trie_pattern(sorted(keys)) + r")(?!\w)" if keys else ""
        # Matched against the lower-cased text: several times faster than re.IGNORECASE.
        self.pattern = re.compile(self.source) if keys else None
        self._pattern_i = None

    def find(self, text: str):
        """(start, end, term id) of every whole-word occurrence, left to right, longest first."""
        if self.pattern is None:
            return
        low = text.lower()
        if len(low) == len(text):
            matches = self.pattern.finditer(low)
        else:  # a character whose lower case is longer (İ): offsets would shift
            if self._pattern_i is None:
                self._pattern_i = re.compile(self.source, re.IGNORECASE)
            matches = self._pattern_i.finditer(text)
        for m in matches:
            term_id = self.keys.get(_SPACE.sub(" ", m.group(0).lower()))
            if term_id is not None:
                yield m.start(), m.end(), term_id


@dataclass
class Compiled:
    matcher: Matcher
    entries: dict[int, Entry]


@dataclass
class Reader:
    """What marking needs of one reader, kept on the request: the compiled list, their departments,
    the tooltips rendered so far and a counter for unique element ids on the page."""

    compiled: Compiled
    audiences: set[str]
    seq: list[int] = field(default_factory=lambda: [0])
    tips: dict[int, str] = field(default_factory=dict)


_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def compile_terms(rows) -> Compiled:
    """rows: (id, name, synonyms, status, definitions) of every term of a workspace."""
    names: dict[str, int] = {}
    entries: dict[int, Entry] = {}
    for term_id, name, synonyms, status, definitions in rows:
        entries[term_id] = Entry(term_id, name, status, definitions or {})
        for n in [name, *(synonyms or [])]:
            names.setdefault(n, term_id)
    return Compiled(Matcher(names), entries)


def compiled_for(workspace_id: int) -> Compiled:
    """The workspace's compiled term list at its current version (cached)."""
    from .models import GlossaryState, Term

    stamp = (
        GlossaryState.objects.filter(workspace_id=workspace_id)
        .values_list("stamp", flat=True)
        .first()
        or ""
    )
    key = (workspace_id, stamp)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    rows = Term.objects.filter(workspace_id=workspace_id).values_list(
        "id", "name", "synonyms", "status", "definitions"
    )
    compiled = compile_terms(rows)
    with _lock:
        for old in [k for k in _cache if k[0] == workspace_id]:
            del _cache[old]
        _cache[key] = compiled
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def reader_audiences(member) -> set[str]:
    """The kinds of the teams of the reader's person in this workspace."""
    from accord.workspaces.models import Person

    kinds = Person.objects.filter(
        workspace_id=member.workspace_id, user_id=member.user_id
    ).values_list("teams__kind", flat=True)
    return {k for k in kinds if k in AUDIENCES}


def definitions_for(entry: Entry, audiences: set[str]) -> list[tuple[str, str]]:
    """(audience label, definition) the reader sees: their departments' definitions, else all."""
    defs = [
        (a, entry.definitions[a]) for a in AUDIENCES if (entry.definitions.get(a) or "").strip()
    ]
    mine = [d for d in defs if d[0] in audiences]
    return [(AUDIENCE_LABELS[a], text) for a, text in (mine or defs)]


def _tip(entry: Entry, audiences: set[str]) -> str:
    esc = html_lib.escape
    parts = [f'<span class="term-tip-name">{esc(entry.name)}</span>']
    if entry.status != "agreed":
        parts.append('<span class="term-tip-status">Draft, not agreed yet</span>')
    for label, text in definitions_for(entry, audiences):
        parts.append(
            f'<span class="term-tip-def"><span class="term-tip-aud">{esc(label)}:</span> {esc(text)}</span>'
        )
    return "".join(parts)


def mark_html(html: str, reader: Reader) -> str:
    """Mark the first occurrence of each term in the text nodes of sanitized `html`."""
    compiled = reader.compiled
    if compiled.matcher.pattern is None:
        return html
    seen: set[int] = set()

    def mark_text(text: str) -> str:
        out, pos = [], 0
        for start, end, term_id in compiled.matcher.find(text):
            if term_id in seen:
                continue
            seen.add(term_id)
            entry = compiled.entries[term_id]
            tip = reader.tips.get(term_id)
            if tip is None:
                tip = reader.tips[term_id] = _tip(entry, reader.audiences)
            reader.seq[0] += 1
            tip_id = f"term-tip-{reader.seq[0]}"
            out.append(text[pos:start])
            out.append(
                f'<span class="term" data-term="{term_id}"><button type="button" class="term-ref" '
                f'aria-describedby="{tip_id}">{text[start:end]}</button>'
                f'<span class="term-tip" role="tooltip" id="{tip_id}">{tip}</span></span>'
            )
            pos = end
        if not pos:
            return text
        out.append(text[pos:])
        return "".join(out)

    return map_text(html, mark_text)


def reader_for(request) -> Reader | None:
    """The request's reader (built once per request), or None outside a workspace page."""
    if request is None:
        return None
    reader = getattr(request, "_glossary_reader", None)
    if reader is not None:
        return reader
    member = getattr(request, "member", None)
    if member is None or not getattr(member, "workspace_id", None):
        return None
    reader = Reader(compiled_for(member.workspace_id), reader_audiences(member))
    request._glossary_reader = reader
    return reader


def mark_for_reader(html: str, request) -> str:
    """The text marker registered with accord.core.markup."""
    reader = reader_for(request)
    if reader is None:
        return html
    return mark_html(html, reader)
