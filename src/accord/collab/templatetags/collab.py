"""{% load collab %}{% discussion "roadmap item" item %}: the comment section on a page without panels."""

from django import template
from django.template.loader import render_to_string

from accord.collab import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def discussion(context, key: str, obj):
    request = context.get("request")
    found = panels.context(request, getattr(request, "member", None), key, obj) if request else None
    if found is None:
        return ""
    return render_to_string("collab/_discussion.html", {"obj": obj, **found}, request=request)
