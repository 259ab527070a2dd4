"""Event types and payloads: every audit entry is an event "<object type>.<action>".

The object type is the audit entry's, with spaces and dashes as underscores ("roadmap item" ->
"roadmap_item"), the action as recorded: "idea.created", "roadmap_item.updated",
"idea.decision_park", "feedback.imported". A webhook subscribes to exact types, to every action of
a type ("idea.*") or to everything ("*"). `catalog()` lists the known types (served by the API and
the form, documented in the README).

The JSON payload (schema WebhookEventPayload in the OpenAPI document):
    {"event": "idea.created", "event_id": 812, "occurred_at": "...", "workspace": {"slug", "name"},
     "actor": {"id", "name"}, "via": "web", "object": {"type", "id", "label", "url"},
     "text": "Priya Natarajan created idea Dark mode\n  - ...", "before": {...}, "after": {...}}
Secrets never appear in it: fields the history declares secret, hashes, nonces and tokens are cut.
The Slack-compatible format sends {"text": <the same plain-language text and the link>}.
"""

import json
import re

from django.conf import settings

from accord.audit import history

# Changes to webhooks themselves are not events (a paused webhook would announce itself to others).
EXCLUDED_TYPES = {"webhook"}
COMMON_ACTIONS = ("created", "updated", "deleted")
EVENT_RE = re.compile(r"^(\*|[a-z0-9_]{1,60}\.(\*|[a-z0-9_]{1,60}))$")
_SECRETISH = re.compile(r"(password|secret|token|nonce|hash|embedding)", re.IGNORECASE)


def type_name(object_type: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", object_type.lower()).strip("_")


def event_type(entry) -> str:
    return f"{type_name(entry.object_type)}.{type_name(entry.action)}"


def catalog() -> list[dict]:
    """[{"type": "idea", "title": "Idea", "events": ["idea.created", ...]}] from the history registry."""
    out = []
    for key, t in sorted(history.TYPES.items()):
        name = type_name(key)
        if name in EXCLUDED_TYPES:
            continue
        actions = list(dict.fromkeys([*COMMON_ACTIONS, *t.actions, *t.action_titles]))
        out.append(
            {
                "type": name,
                "title": history.type_title(key),
                "events": [f"{name}.{a}" for a in actions],
            }
        )
    return out


def event_label(event: str) -> str:
    """How an event type reads for people: "Idea: Promoted", "Launch: every event", "Every event"."""
    if event == "*":
        return "Every event"
    name, _, action = event.partition(".")
    keys = {type_name(key): key for key in history.TYPES}
    title = history.type_title(keys.get(name, name.replace("_", " ")))
    return f"{title}: {'every event' if action == '*' else history.action_title(action)}"


def known_types() -> set[str]:
    return {row["type"] for row in catalog()}


def clean_events(values) -> list[str]:
    """The subscription as stored, or ValueError naming the first bad one."""
    if not isinstance(values, list | tuple) or not values:
        raise ValueError("Choose at least one event type.")
    if len(values) > 200:
        raise ValueError("At most 200 event types.")
    known = known_types()
    out = []
    for raw in values:
        value = str(raw).strip().lower() if isinstance(raw, str) else None
        if not value or not EVENT_RE.match(value):
            raise ValueError(
                f'"{str(raw)[:60]}" is not an event type: use "idea.created", "idea.*" or "*".'
            )
        if value != "*" and value.split(".")[0] not in known:
            raise ValueError(f'"{value}": no such object type. See the list of event types.')
        if value not in out:
            out.append(value)
    return ["*"] if "*" in out else sorted(out)


def matches(subscribed: list[str], event: str) -> bool:
    if "*" in subscribed or event in subscribed:
        return True
    return f"{event.split('.', 1)[0]}.*" in subscribed


def _secret_fields(object_type: str) -> set[str]:
    t = history.TYPES.get(object_type)
    if t is None:
        return set()
    return {k for k, f in t.fields.items() if f.kind == "secret"}


def _clean_values(values, secret: set[str]):
    if not isinstance(values, dict):
        return values
    return {k: v for k, v in values.items() if k not in secret and not _SECRETISH.search(k)}


def payloads(entries: list, workspace) -> dict[int, dict]:
    """{entry id: the JSON payload} for entries of one workspace, told in plain language."""
    stories = history.tell(entries, slug=workspace.slug)
    out = {}
    for entry, story in zip(entries, stories, strict=True):
        secret = _secret_fields(entry.object_type)
        url = f"{settings.ACCORD_BASE_URL}{story.url}" if story.url else None
        out[entry.pk] = {
            "event": event_type(entry),
            "event_id": entry.pk,
            "occurred_at": entry.at.isoformat(),
            "workspace": {"slug": workspace.slug, "name": workspace.name},
            "actor": {"id": entry.actor_id, "name": story.actor},
            "via": entry.via,
            "object": {
                "type": type_name(entry.object_type),
                "id": entry.object_id,
                "label": story.label,
                "url": url,
            },
            "text": story.as_text(),
            "before": _clean_values(entry.before, secret),
            "after": _clean_values(entry.after, secret),
        }
    return out


def body(payload: dict, fmt: str) -> str:
    """The request body in the webhook's format."""
    if fmt == "slack":
        text = payload["text"]
        if payload["object"].get("url"):
            text += f"\n<{payload['object']['url']}|Open in Accord>"
        return json.dumps({"text": text}, ensure_ascii=False)
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)
