"""History in plain language: ONE formatter for the audit entries of every object type.

"Priya Natarajan moved roadmap item Self-serve SSO from Platform to Integrations, Jan 5 → Jan 19",
"Sofia Lindqvist changed Effort from 3 to 5 on idea Dark mode": no dicts, no `lane_id`, ids
resolved to names, Markdown rendered (sanitised), secrets never shown.

Each capability declares its own object types in its AppConfig.ready() (the audit app knows none
of them), e.g. the roadmaps app:

    history.register_resolver("lane", lambda workspace_id, ids: {...id: name...})  # one query
    history.register(history.ObjectType(
        key="roadmap item", noun="roadmap item", resolver="roadmap item", url=item_url,
        fields={"lane_id": history.Field("Lane", ref="lane"), "start_date": history.Field("Start", kind="date")},
        hidden={"position"}, tell=tell_item,  # a custom sentence for some entries ("moved")
    ))

`tell(entries)` turns a page of entries into Stories (the sentence as HTML and as plain text, and
detail lines) with one query per resolver used, however many entries: the audit trail, the
history of an idea, an item, a team or a person, the home page, and (plain text) e-mails,
notifications, webhooks and the API all read the same words.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from accord.core.markdown import render_markdown
from accord.core.registry import Registry

OBJ = (
    "{obj}"  # in a phrase: "idea Dark mode" (linked) in a list, "this idea" on the idea's own page
)
NAME = "{name}"  # in a phrase: the object's name alone (linked); "this <noun>" on its own page
ALWAYS_HIDDEN = {
    "id",
    "version",
    "position",
    "created_at",
    "updated_at",
    "password_hash",
    "token_hash",
    "embedding",
}
KINDS = {
    "text",
    "markdown",
    "date",
    "datetime",
    "bool",
    "number",
    "choice",
    "ref",
    "refs",
    "list",
    "secret",
    "flag",
    "hidden",
}
TEXT_LIMIT = 160


@dataclass(frozen=True)
class Field:
    """How one recorded field reads. kind: text, markdown, date, datetime, bool, number, choice,
    ref (an id, resolved by `ref`), refs (a list of ids), list (of words), secret (the change is
    told, never the value), flag (a yes/no that only shows when set, e.g. "with a password"),
    hidden. `show(value, lookup)` overrides the wording; `needs(value)` then names the ids it
    resolves, as (resolver, id) pairs."""

    label: str
    kind: str = "text"
    ref: str = ""
    choices: Mapping[str, str] | None = None
    unit: str = ""
    show: Callable[[Any, "Lookup"], str] | None = None
    needs: Callable[[Any], Iterable[tuple[str, Any]]] | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown field kind {self.kind!r}.")
        if self.kind in ("ref", "refs") and not self.ref:
            raise ValueError(f"Field {self.label!r}: a {self.kind} names its resolver.")


@dataclass(frozen=True)
class Told:
    """What a custom teller says: the phrase (with {obj}/{name}) and its detail lines."""

    phrase: str
    details: list["Detail"] = field(default_factory=list)


@dataclass(frozen=True)
class ObjectType:
    key: str  # AuditEntry.object_type
    noun: str  # how the object is called in a sentence; "" for labels that say it all
    fields: Mapping[str, Field] = field(default_factory=dict)
    hidden: frozenset[str] | set[str] = frozenset()
    resolver: str = ""  # its own ids to current names: links only go to objects that still exist
    url: Callable[[str, str], str] | None = None  # (workspace slug, object id) -> its page
    actions: Mapping[str, str] = field(
        default_factory=dict
    )  # action -> phrase, e.g. "parked {obj}"
    quiet: frozenset[str] | set[str] = frozenset()  # fields an action's details leave out (implied)
    tell: Callable[[Any, "Lookup"], Told | None] | None = None  # a custom sentence; None: the usual
    needs: Callable[[Any], Iterable[tuple[str, Any]]] | None = None  # ids a custom teller resolves
    by_name: bool = False  # say the resolved (current) name rather than the recorded label
    nobody: str = "Accord"  # the actor of entries nobody signed in made (a portal visitor, ...)
    title: str = ""  # in the audit trail's filter; the noun (or the key) by default
    action_titles: Mapping[str, str] = field(
        default_factory=dict
    )  # e.g. {"decision_park": "Parked"}


TYPES: Registry[ObjectType] = Registry("The history of")
RESOLVERS: dict[str, Callable[[int, set], dict]] = {}


def register(obj_type: ObjectType) -> None:
    TYPES.add(obj_type)


def extend(
    key: str, *, fields: Mapping[str, Field] | None = None, actions: Mapping[str, str] | None = None
) -> None:
    """A higher capability adds fields or actions to a lower one's type (the portal to ideas)."""
    base = TYPES[key]
    TYPES[key] = ObjectType(**{**base.__dict__, "fields": {**base.fields, **(fields or {})},
                               "actions": {**base.actions, **(actions or {})}})  # fmt: skip


def type_title(key: str) -> str:
    """How the audit trail's filter names an object type: "Roadmap item", "Feedback link"."""
    t = TYPES.get(key)
    return capfirst((t.title or t.noun) if t is not None and (t.title or t.noun) else humanize(key))


def action_title(action: str) -> str:
    """How the filter names an action, by the first type that gives it a title: "Parked"."""
    for t in TYPES.values():
        if action in t.action_titles:
            return t.action_titles[action]
    return humanize(action)


def register_resolver(name: str, resolve: Callable[[int, set], dict]) -> None:
    """resolve(workspace_id, ids) -> {id: name} in one query; ids missing from it are gone."""
    RESOLVERS[name] = resolve


def _users(workspace_id: int, ids: set) -> dict:
    rows = get_user_model().objects.filter(pk__in=ids).only("id", "name", "email")
    return {u.pk: u.display_name for u in rows}


register_resolver("user", _users)


class Lookup:
    """Names resolved for one page of entries (one query per resolver)."""

    def __init__(self, workspace_id: int | None, wanted: dict[str, set]):
        self.names: dict[str, dict] = {}
        for name, ids in wanted.items():
            ids = {_key(i) for i in ids if i not in (None, "")}
            resolve = RESOLVERS.get(name)
            self.names[name] = resolve(workspace_id, ids) if ids and resolve else {}

    def name(self, resolver: str, key: Any) -> str | None:
        return self.names.get(resolver, {}).get(_key(key))

    def ref(self, resolver: str, key: Any, what: str = "") -> str:
        """The name, or "a deleted <what>" (the resolver's name by default: "a deleted team")."""
        if key in (None, ""):
            return ""
        return self.name(resolver, key) or f"a deleted {(what or resolver).lower()}"


def _key(value: Any) -> Any:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


# ---------------------------------------------------------------- values in words


def short_date(value: date | str | None, today: date | None = None) -> str:
    """Jan 5 this year, Jan 5, 2027 otherwise."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = (
                datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)
            )
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    today = today or timezone.localdate()
    return f"{value:%b} {value.day}" + ("" if value.year == today.year else f", {value.year}")


def number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f") if abs(value) >= 10000 else str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def humanize(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()


def excerpt(text: str, limit: int = TEXT_LIMIT) -> str:
    """One line of at most `limit` characters, cut at a word with "…"."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def _plain(text: str) -> str:
    return excerpt(text)


def value_text(f: Field, value: Any, lookup: Lookup) -> str:
    """One recorded value as words ("" for nothing)."""
    if f.show is not None:
        return f.show(value, lookup)
    if value is None or value == "" or value == [] or value == {}:
        return ""
    kind = f.kind
    if kind == "secret":
        return "(hidden)"
    if kind == "ref":
        return lookup.ref(f.ref, value)
    if kind == "refs":
        return ", ".join(lookup.ref(f.ref, v) for v in value)
    if kind in ("bool", "flag"):
        return "yes" if value else "no"
    if kind == "date":
        return short_date(value)
    if kind == "datetime":
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return value
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{short_date(local.date())} {local:%H:%M}"
    if kind == "choice":
        return (f.choices or {}).get(value, humanize(str(value)))
    if kind == "number":
        return number(value) + f.unit
    return any_text(value) + (f.unit if isinstance(value, int | float) else "")


def any_text(value: Any) -> str:
    """A value nobody declared: words, never a Python or JSON literal."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, dict):
        return "; ".join(
            f"{humanize(str(k))}: {any_text(v)}"
            for k, v in value.items()
            if v not in (None, "", [], {})
        )
    if isinstance(value, list | tuple):
        return ", ".join(any_text(v) for v in value)
    return _plain(value)


@dataclass(frozen=True)
class Detail:
    """One line under a sentence; `markdown` is a text rendered (sanitised) below it."""

    text: str
    markdown: str = ""

    @property
    def html(self) -> SafeString:
        line = format_html("<span>{}</span>", self.text) if self.text else mark_safe("")
        if self.markdown:
            return format_html(
                '{}<div class="history-md prose">{}</div>',
                line,
                mark_safe(render_markdown(self.markdown)),  # noqa: S308 (sanitised)
            )
        return line


def _field(t: ObjectType, key: str) -> Field | None:
    """The declared field, or a readable default; None for what is never shown."""
    f = t.fields.get(key)
    if f is not None:
        return None if f.kind == "hidden" else f
    if key in ALWAYS_HIDDEN or key in t.hidden or key.endswith("_id") or key.endswith("_ids"):
        return None
    return Field(humanize(key))


def _ordered(t: ObjectType, keys: Iterable[str]) -> list[str]:
    declared = list(t.fields)
    return sorted(
        set(keys), key=lambda k: (declared.index(k) if k in declared else len(declared), k)
    )


def values_details(
    t: ObjectType, values: Mapping | None, lookup: Lookup, skip: Iterable[str] = ()
) -> list[Detail]:
    """The non-empty values of a created (or deleted) object, one "Label: value" line each."""
    out = []
    for key in _ordered(t, (values or {}).keys()):
        f = _field(t, key)
        if f is None or key in t.hidden or key in skip:
            continue
        value = values[key]
        if f.kind == "flag":
            if value:
                out.append(Detail(f"With {f.label.lower()}"))
            continue
        if f.kind == "markdown":
            if value:
                out.append(Detail(f"{f.label}:", markdown=str(value)))
            continue
        text = value_text(f, value, lookup)
        if text:
            out.append(Detail(f"{f.label}: {text}"))
    return out


def change_phrase(f: Field, old: Any, new: Any, lookup: Lookup) -> Detail | None:
    """One field's change in words: "changed Effort from 3 to 5", "set Owner to Priya", ..."""
    label = f.label
    kind = f.kind
    if kind == "text" and f.show is None and isinstance(new if new is not None else old, bool):
        kind = "bool"  # an undeclared yes/no
    if kind == "secret":
        return Detail(f"changed the {label.lower()}")
    if kind in ("bool", "flag"):
        if bool(old) == bool(new):
            return None
        return Detail(f"turned {'on' if new else 'off'} {label}")
    if f.kind == "markdown":
        if not new:
            return Detail(f"cleared the {label}")
        return Detail(f"{'edited' if old else 'wrote'} the {label}", markdown=str(new))
    if (
        f.kind in ("list", "refs")
        and isinstance(old or [], list)
        and isinstance(new or [], list)
        and f.show is None
    ):
        item = (lambda v: lookup.ref(f.ref, v)) if f.kind == "refs" else any_text
        before, after = [item(v) for v in old or []], [item(v) for v in new or []]
        added, removed = (
            [v for v in after if v not in before],
            [v for v in before if v not in after],
        )
        if added and not removed:
            return Detail(f"added {', '.join(added)} to {label}")
        if removed and not added:
            return Detail(f"removed {', '.join(removed)} from {label}")
    was, now = value_text(f, old, lookup), value_text(f, new, lookup)
    if was == now:
        return None
    if not was:
        return Detail(f"set {label} to {now}")
    if not now:
        return Detail(f"cleared {label} (was {was})")
    return Detail(f"changed {label} from {was} to {now}")


def change_details(
    t: ObjectType,
    before: Mapping | None,
    after: Mapping | None,
    lookup: Lookup,
    skip: Iterable[str] = (),
) -> list[Detail]:
    before, after = before or {}, after or {}
    out = []
    for key in _ordered(t, set(before) | set(after)):
        f = _field(t, key)
        if f is None or key in skip:
            continue
        phrase = change_phrase(f, before.get(key), after.get(key), lookup)
        if phrase is not None:
            out.append(phrase)
    return out


def changes_told(details: list[Detail], lead: str = "") -> Told:
    """One change: said in the sentence; several: "updated …" with a line each."""
    if len(details) == 1:
        return Told(
            f"{lead}{details[0].text} on {OBJ}",
            [Detail("", details[0].markdown)] if details[0].markdown else [],
        )
    if not details:
        return Told(f"{lead}saved {OBJ} without changes")
    return Told(f"{lead}updated {OBJ}", [Detail(capfirst(d.text), d.markdown) for d in details])


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- stories


DEFAULT_ACTIONS = {
    "created": f"created {OBJ}",
    "deleted": f"deleted {OBJ}",
    "revoked": f"revoked {OBJ}",
    "imported": "imported {label}",
}


@dataclass
class Story:
    entry: Any
    actor: str
    phrase: str
    details: list[Detail]
    noun: str
    label: str
    url: str | None

    def _sentence(self, here: bool, html: bool) -> str:
        if here:
            obj = name = f"this {self.noun or 'object'}"
            obj, name = (conditional_escape(obj), conditional_escape(name)) if html else (obj, name)
        else:
            label = self.label or "(unnamed)"
            if html:
                name = (
                    format_html('<a href="{}">{}</a>', self.url, label)
                    if self.url
                    else format_html("<strong>{}</strong>", label)
                )
                obj = format_html("{} {}", self.noun, name) if self.noun else name
            else:
                name = label
                obj = f"{self.noun} {label}" if self.noun else label
        out = []
        for chunk in _split(self.phrase):
            if chunk == OBJ:
                out.append(obj)
            elif chunk == NAME:
                out.append(name)
            elif chunk == "{label}":
                out.append(conditional_escape(self.label) if html else self.label)
            else:
                out.append(conditional_escape(chunk) if html else chunk)
        actor = (
            format_html('<span class="story-actor">{}</span>', self.actor) if html else self.actor
        )
        return mark_safe(f"{actor} {''.join(out)}") if html else f"{actor} {''.join(out)}"  # noqa: S308 (escaped above)

    @property
    def html(self) -> SafeString:
        return self._sentence(False, True)

    @property
    def html_here(self) -> SafeString:
        return self._sentence(True, True)

    @property
    def text(self) -> str:
        return self._sentence(False, False)

    @property
    def text_here(self) -> str:
        return self._sentence(True, False)

    def as_text(self, here: bool = False) -> str:
        """Plain text for e-mails, notifications and webhooks: the sentence, then "- detail" lines."""
        lines = [self.text_here if here else self.text]
        for d in self.details:
            lines.append(f"  - {d.text}" if d.text else "")
            if d.markdown:
                lines.extend(
                    f"    {line}" for line in d.markdown.strip().splitlines() if line.strip()
                )
        return "\n".join(line for line in lines if line)


def _split(phrase: str) -> list[str]:
    out, rest = [], phrase
    while rest:
        starts = [(rest.find(m), m) for m in (OBJ, NAME, "{label}") if rest.find(m) >= 0]
        if not starts:
            out.append(rest)
            break
        at, marker = min(starts)
        if at:
            out.append(rest[:at])
        out.append(marker)
        rest = rest[at + len(marker) :]
    return out


def _generic(t: ObjectType, entry, lookup: Lookup) -> Told:
    action = entry.action
    before, after = entry.before or {}, entry.after or {}
    if action == "updated":
        return changes_told(change_details(t, before, after, lookup))
    phrase = (
        t.actions.get(action) or DEFAULT_ACTIONS.get(action) or f"{humanize(action).lower()} {OBJ}"
    )
    if action == "deleted":
        return Told(phrase, values_details(t, before, lookup))
    return Told(phrase, values_details(t, after, lookup, skip=t.quiet))


def _unknown(key: str) -> ObjectType:
    return ObjectType(key=key, noun=key)


def _wanted(entries: list) -> dict[str, set]:
    wanted: dict[str, set] = {"user": set()}
    for entry in entries:
        if entry.actor_id:
            wanted["user"].add(entry.actor_id)
        t = TYPES.get(entry.object_type) or _unknown(entry.object_type)
        if t.resolver and entry.object_id:
            wanted.setdefault(t.resolver, set()).add(entry.object_id)
        if t.needs is not None:
            for resolver, key in t.needs(entry):
                wanted.setdefault(resolver, set()).add(key)
        for values in (entry.before, entry.after):
            for key, value in (values or {}).items():
                f = t.fields.get(key)
                if f is None or value in (None, "", []):
                    continue
                if f.needs is not None:
                    for resolver, ref in f.needs(value):
                        wanted.setdefault(resolver, set()).add(ref)
                elif f.kind == "ref":
                    wanted.setdefault(f.ref, set()).add(value)
                elif f.kind == "refs" and isinstance(value, list):
                    wanted.setdefault(f.ref, set()).update(value)
    return wanted


def tell(entries: Iterable, *, slug: str | None = None) -> list[Story]:
    """The entries (of one workspace) as Stories, in order; one query per resolver used."""
    entries = list(entries)
    if not entries:
        return []
    workspace_ids = {e.workspace_id for e in entries}
    if len(workspace_ids) > 1:
        raise ValueError("Tell the history of one workspace at a time.")
    workspace_id = workspace_ids.pop()
    if slug is None:
        from django.apps import apps

        slug = (
            apps.get_model("workspaces", "Workspace")
            .objects.filter(pk=workspace_id)
            .values_list("slug", flat=True)
            .first()
            or ""
        )
    lookup = Lookup(workspace_id, _wanted(entries))
    stories = []
    for entry in entries:
        t = TYPES.get(entry.object_type) or _unknown(entry.object_type)
        told = (t.tell(entry, lookup) if t.tell is not None else None) or _generic(t, entry, lookup)
        current = lookup.name(t.resolver, entry.object_id) if t.resolver else None
        exists = bool(t.resolver) and current is not None
        label = (current if t.by_name and current else entry.object_label) or current or ""
        actor = lookup.name("user", entry.actor_id) if entry.actor_id else None
        if actor is None:
            actor = t.nobody if entry.actor_label in ("", "system") else entry.actor_label
        stories.append(Story(
            entry=entry, actor=actor, phrase=told.phrase, details=told.details, noun=t.noun,
            label=label, url=t.url(slug, entry.object_id) if exists and t.url and slug else None,
        ))  # fmt: skip
    return stories
