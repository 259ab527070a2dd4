"""Webhook pages (admins): the list with the create form, a webhook with its delivery log, a delivery."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.core.web import UserError, field_errors, page_of
from accord.workspaces.web import workspace_page

from . import events, selectors, services
from .models import WebhookFormat


def _chosen_events(post) -> list[str]:
    chosen = post.getlist("events")
    extra = [
        e.strip() for e in post.get("more_events", "").replace("\n", ",").split(",") if e.strip()
    ]
    return chosen + extra


def _form_context(values: dict | None = None) -> dict:
    values = values or {}
    chosen = set(values.get("events") or [])
    types = [
        {**t, "pattern": f"{t['type']}.*", "checked": f"{t['type']}.*" in chosen}
        for t in events.catalog()
    ]
    patterns = {t["pattern"] for t in types}
    more = ", ".join(e for e in values.get("events") or [] if e not in patterns and e != "*")
    return {
        "types": types,
        "all_events": "*" in chosen,
        "more_events": more,
        "formats": WebhookFormat.choices,
        "values": values,
    }


@workspace_page("webhook.manage")
def webhook_list(request: HttpRequest, member) -> HttpResponse:
    errors, secret, values = {}, None, {"format": "json", "events": []}
    if request.method == "POST":
        values = {"name": request.POST.get("name", ""), "url": request.POST.get("url", ""),
                  "events": _chosen_events(request.POST), "format": request.POST.get("format", "json")}  # fmt: skip
        try:
            webhook, secret = services.webhook_create(member=member, **values)
        except UserError as exc:
            errors = field_errors(exc)
        else:
            messages.success(
                request,
                f"Webhook {webhook.name} created. Copy its signing secret now: it is not shown again.",
            )
            values = {"format": "json", "events": []}
    return render(request, "webhooks/list.html", {
        "webhooks": selectors.webhooks(workspace=member.workspace), "secret": secret, "errors": errors,
        "general_errors": errors.get("__all__", []),
        **_form_context(values),
    }, status=422 if errors else 200)  # fmt: skip


@workspace_page("webhook.manage")
def webhook_detail(request: HttpRequest, member, webhook_id: int) -> HttpResponse:
    webhook = services.get_webhook(member, webhook_id)
    errors, values = (
        {},
        {
            "name": webhook.name,
            "url": webhook.url,
            "events": webhook.events,
            "format": webhook.format,
        },
    )
    if request.method == "POST":
        values = {"name": request.POST.get("name", ""), "url": request.POST.get("url", ""),
                  "events": _chosen_events(request.POST), "format": request.POST.get("format", "json")}  # fmt: skip
        try:
            version = int(request.POST.get("version") or 0)
            services.webhook_update(member=member, webhook_id=webhook.pk, version=version, **values)
        except (UserError, ValueError) as exc:
            errors = (
                field_errors(exc)
                if isinstance(exc, UserError)
                else {"__all__": ["Reload the page and try again."]}
            )
        else:
            messages.success(request, "Webhook saved.")
            return redirect("webhook", slug=member.workspace.slug, webhook_id=webhook.pk)
    status = request.GET.get("status") or None
    page = page_of(
        request,
        selectors.deliveries(workspace=member.workspace, webhook_id=webhook.pk, status=status),
        50,
    )
    rows = [(d, selectors.replayable(d, webhook)) for d in page]
    return render(request, "webhooks/detail.html", {
        "webhook": webhook, "page": page, "rows": rows, "status": status or "", "errors": errors,
        "general_errors": errors.get("__all__", []),
        "statuses": ["pending", "sending", "delivered", "failed"], **_form_context(values),
    }, status=422 if errors else 200)  # fmt: skip


@workspace_page("webhook.manage")
@require_POST
def webhook_action(request: HttpRequest, member, webhook_id: int, action: str) -> HttpResponse:
    slug = member.workspace.slug
    try:
        if action == "pause":
            services.webhook_pause(
                member=member, webhook_id=webhook_id, reason=request.POST.get("reason", "")
            )
            messages.success(request, "Webhook paused: its events are kept until you resume it.")
        elif action == "resume":
            services.webhook_resume(member=member, webhook_id=webhook_id)
            messages.success(request, "Webhook resumed: the events it held are on their way.")
        elif action == "delete":
            services.webhook_delete(member=member, webhook_id=webhook_id)
            messages.success(request, "Webhook deleted.")
            return redirect("webhooks", slug=slug)
        else:
            raise Http404("No such action.")
    except UserError as exc:
        messages.error(request, exc.detail)
    return redirect("webhook", slug=slug, webhook_id=webhook_id)


@workspace_page("webhook.manage")
def delivery_detail(request: HttpRequest, member, delivery_id: int) -> HttpResponse:
    d = services.get_delivery_in(member, delivery_id)
    return render(request, "webhooks/delivery.html", {
        "webhook": d.webhook, "delivery": d, "attempts": selectors.attempts(d.pk),
        "can_replay": selectors.replayable(d), "body": services.delivery.cut(d.body),
    })  # fmt: skip


@workspace_page("webhook.manage")
@require_POST
def delivery_replay(request: HttpRequest, member, delivery_id: int) -> HttpResponse:
    d = services.get_delivery_in(member, delivery_id)
    try:
        replay = services.delivery_replay(member=member, delivery_id=delivery_id)
    except UserError as exc:
        messages.error(request, exc.detail)
        return redirect("webhook_delivery", slug=member.workspace.slug, delivery_id=delivery_id)
    messages.success(request, f"Delivery #{d.pk} replayed as #{replay.pk}.")
    return redirect("webhook", slug=member.workspace.slug, webhook_id=d.webhook_id)
