"""How the portal reads in the history (registered with accord.audit.history): its settings,
published ideas, comments, submissions and votes."""

from accord.audit import history as h

from .models import Moderation

MODERATION = dict(Moderation.choices)
MODERATED = {"moderated_approve": "approved", "moderated_reject": "rejected", "moderated_spam": "marked as spam"}


def _tell_portal(entry, lookup: h.Lookup) -> h.Told | None:
    if entry.action != "updated":
        return None
    details = h.change_details(h.TYPES["portal"], entry.before, entry.after, lookup)
    if len(details) == 1:
        return h.Told(details[0].text, [h.Detail("", details[0].markdown)] if details[0].markdown else [])
    return h.Told("changed the portal settings", [h.Detail(h.capfirst(d.text), d.markdown) for d in details])


def register() -> None:
    h.extend(
        "idea",
        fields={"public_title": h.Field("Public title"), "public_description": h.Field("Public text", kind="markdown")},
        actions={"published": f"published {h.OBJ} on the portal", "unpublished": f"took {h.OBJ} off the portal"},
    )
    h.register(h.ObjectType(
        key="portal", noun="", title="Portal", tell=_tell_portal,
        fields={"enabled": h.Field("the portal", kind="bool"), "title": h.Field("Title"), "intro": h.Field("Introduction", kind="markdown"),
                "moderate_comments": h.Field("moderation of comments", kind="bool"),
                "moderate_submissions": h.Field("moderation of feedback", kind="bool")},
    ))
    for key, noun in (("comment", "comment"), ("submission", "portal feedback")):
        h.register(h.ObjectType(
            key=key, noun=noun, nobody="A portal visitor", quiet={"status"},
            fields={"status": h.Field("Status", kind="choice", choices=MODERATION)},
            action_titles={"moderated_approve": "Approved", "moderated_reject": "Rejected by a moderator", "moderated_spam": "Marked as spam"},
            actions={
                "commented": f"commented on the portal idea {h.NAME}", "submitted": f"sent {h.OBJ} through the portal",
                **{action: f"{verb} {h.OBJ}" for action, verb in MODERATED.items()},
            },
        ))
    h.register(h.ObjectType(key="vote", noun="", title="Portal vote", actions={"voted_for_customer": f"recorded a portal vote: {h.NAME}"},
                            action_titles={"voted_for_customer": "Vote recorded"}))
