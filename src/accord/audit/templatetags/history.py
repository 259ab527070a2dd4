"""{% told entries as stories %}: audit entries in plain language (accord.audit.history), in a
constant number of queries, so every page that includes a history tells it the same way."""

from django import template

from accord.audit import history

register = template.Library()


@register.simple_tag(takes_context=True)
def told(context, entries):
    workspace = context.get("workspace")
    return history.tell(entries or [], slug=getattr(workspace, "slug", None))


@register.filter
def about_one_object(stories) -> bool:
    """All of them about the same object (an idea's own history): "this idea" reads better."""
    return bool(stories) and len({(s.entry.object_type, s.entry.object_id) for s in stories}) == 1


@register.filter
def object_title(key: str) -> str:
    return history.type_title(key)


@register.filter
def action_title(action: str) -> str:
    return history.action_title(action)
