"""Web pages for feedback: the inbox, capture, an item with its links, customers, import
(thin: services, selectors and importing do the work)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accord.audit.selectors import audit_entries
from accord.core.errors import Invalid
from accord.core.importfiles import DATE_FORMATS, DECIMALS, ENCODING_LABELS, ENCODINGS
from accord.core.markdown import render_markdown
from accord.core.overlays import drawer_response, finish, form_response
from accord.core.uploads import keep, upload_path
from accord.core.web import (
    UserError,
    field_errors,
    form_int,
    form_number_box,
    form_version,
    int_list,
    page_of,
    with_query,
)
from accord.ideas.selectors import idea as get_idea_row
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import capture, importing, selectors, services
from .models import FeedbackStatus, Importance, Segment, Source

TRIAGE = [(s, label) for s, label in FeedbackStatus.choices if s != FeedbackStatus.LINKED]
CAPTURE_SOURCES = [(s, label) for s, label in Source.choices if s not in (Source.PORTAL, Source.API, Source.IMPORT)]


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


# ---------------------------------------------------------------- inbox


def _inbox_filters(request: HttpRequest) -> dict:
    get = request.GET
    linked = {"yes": True, "no": False}.get(get.get("linked", ""))
    return {
        "q": get.get("q", "").strip()[:200] or None,
        "status": get.get("status") or None,
        "source": get.get("source") or None,
        "segment": get.get("segment", "").strip()[:60] or None,
        "customer_id": form_int(get.get("customer"), "customer"),
        "idea_id": form_int(get.get("idea"), "idea"),
        "linked": linked,
        "sort": get.get("sort") or "-received",
    }


def _export_params(filters: dict) -> dict:
    """The inbox's filters under the export API's names (the {% querystring %} tag encodes them)."""
    linked = filters.get("linked")
    return {
        "q": filters.get("q"),
        "status": filters.get("status"),
        "source": filters.get("source"),
        "segment": filters.get("segment"),
        "customer_id": filters.get("customer_id"),
        "idea_id": filters.get("idea_id"),
        "linked": None if linked is None else str(linked).lower(),
    }


@workspace_page("feedback.view")
def inbox(request: HttpRequest, member) -> HttpResponse:
    errors = {}
    try:
        filters = _inbox_filters(request)
        page = page_of(request, selectors.feedback_list(workspace=member.workspace, **filters))
    except Invalid as exc:
        errors, filters = field_errors(exc), {}
        page = page_of(request, selectors.feedback_list(workspace=member.workspace))
    selectors.with_link_counts(list(page.object_list))
    customer = None
    if filters.get("customer_id"):
        customer = selectors.customers(workspace=member.workspace).filter(pk=filters["customer_id"]).first()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "filter_customer": customer,
        "errors": errors,
        "counts": selectors.inbox_counts(workspace=member.workspace),
        "statuses": FeedbackStatus.choices,
        "triage": TRIAGE,
        "sources": Source.choices,
        "segments": selectors.segments(workspace=member.workspace),
        "can_triage": can(member, "feedback.edit"),
        "can_create": can(member, "feedback.create"),
        "can_import": can(member, "feedback.import"),
        "query": query.urlencode(),
        "tab_params": {"q": filters.get("q")},
        "export_params": _export_params(filters),
    }
    template = "feedback/_rows.html" if request.htmx and request.htmx.target == "feedback-rows" else "feedback/inbox.html"
    return render(request, template, context, status=400 if errors else 200)


@workspace_page("feedback.edit")
@require_POST
def bulk(request: HttpRequest, member) -> HttpResponse:
    try:
        ids = int_list(request.POST.getlist("feedback_ids"))
        count = services.feedback_bulk(member=member, feedback_ids=ids, status=request.POST.get("status", ""))
    except UserError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"{count} item{'s' if count != 1 else ''} updated.")
    return redirect(with_query(reverse("feedback_inbox", args=[member.workspace.slug]), request.POST.get("query", "")))


# ---------------------------------------------------------------- capture and edit


def _form_values(post) -> dict:
    return {k: post.get(k, "").strip() for k in (
        "text", "title", "source", "received_at", "name", "email", "company", "segment", "revenue_weight", "version"
    )}


def _customer_from(values: dict) -> dict | None:
    customer = {k: values[k] for k in ("name", "email", "company", "segment") if values.get(k)}
    if values.get("revenue_weight"):
        customer["revenue_weight"] = form_number_box(values["revenue_weight"], "customer.revenue_weight", label="Revenue weight")
    return customer or None


def _form_errors(exc: UserError) -> dict[str, list[str]]:
    """The service names the customer's fields "customer.email"; the form calls them "email"."""
    return {key.removeprefix("customer."): msgs for key, msgs in field_errors(exc).items()}


TITLES = {"new": "Capture feedback", "capture": "Capture from e-mail or chat", "edit": "Edit feedback"}
INTROS = {
    "new": "What did the customer say, in their words? Name the customer when you know them.",
    "capture": "Paste an e-mail or a chat: Accord fills in the customer from its From: line and keeps what "
    "they wrote. Check the fields, then save.",
    "edit": "Changes are recorded in the item's history.",
}


def _form_page(request, member, values: dict, *, fb=None, errors=None, mode="new", status=200) -> HttpResponse:
    slug = member.workspace.slug
    return form_response(
        request,
        "feedback/_form.html",
        {
            "values": values,
            "fb": fb,
            "mode": mode,
            "errors": errors or {},
            "sources": CAPTURE_SOURCES if fb is None else Source.choices,
            "segment_choices": Segment.choices,
            "segments": selectors.segments(workspace=member.workspace),
        },
        title=TITLES[mode],
        intro=INTROS[mode],
        back_url=reverse("feedback_detail", args=[slug, fb.pk]) if fb else reverse("feedback_inbox", args=[slug]),
        back_label=str(fb)[:48] if fb else "Feedback",
        status=status,
    )


@workspace_page("feedback.create")
@require_http_methods(["GET", "POST"])
def feedback_new(request: HttpRequest, member) -> HttpResponse:
    """The web form and the capture shortcut: paste an e-mail or chat, check the fields, save."""
    mode = "capture" if request.GET.get("capture") or request.POST.get("mode") == "capture" else "new"
    if request.method == "GET":
        return _form_page(request, member, {"source": Source.SUPPORT_TICKET if mode == "capture" else Source.SALES_CALL}, mode=mode)
    values = _form_values(request.POST)
    if request.POST.get("action") == "parse":
        got = capture.parse(request.POST.get("pasted", ""))
        values.update(
            source=values["source"] or Source.SUPPORT_TICKET,
            text=got.text, title=got.title or values["title"], name=got.name, email=got.email,
            company=got.company, received_at=got.received_at.strftime("%Y-%m-%dT%H:%M") if got.received_at else "",
        )
        found = selectors.customers(workspace=member.workspace).filter(email=got.email).first() if got.email else None
        if found:  # a known customer: show what Accord knows
            values.update(name=found.name, company=found.company, segment=found.segment,
                          revenue_weight=f"{found.revenue_weight:g}" if found.revenue_weight else "")
        return _form_page(request, member, {**values, "parsed": True, "known_customer": found}, mode="capture")
    try:
        fb = services.feedback_create(
            member=member, text=values["text"], title=values["title"], source=values["source"],
            customer=_customer_from(values), received_at=values["received_at"] or None,
        )
    except UserError as exc:
        return _form_page(request, member, values, errors=_form_errors(exc), mode=mode, status=422)
    messages.success(request, "Feedback captured.")
    if request.POST.get("another"):
        return redirect(reverse("feedback_new", args=[member.workspace.slug]) + ("?capture=1" if mode == "capture" else ""))
    return finish(request, reverse("feedback_detail", args=[member.workspace.slug, fb.pk]))


@workspace_page("feedback.create")
@require_http_methods(["GET", "POST"])
def feedback_edit(request: HttpRequest, member, feedback_id: int) -> HttpResponse:
    fb = selectors.feedback(workspace=member.workspace, feedback_id=feedback_id)
    if not (can(member, "feedback.edit") or fb.captured_by_id == member.user_id):
        raise PermissionDenied("Only editors edit other people's feedback.")
    if request.method == "GET":
        c = fb.customer
        values = {
            "text": fb.text, "title": fb.title, "source": fb.source, "version": fb.version,
            "received_at": fb.received_at.strftime("%Y-%m-%dT%H:%M"),
            "name": c.name if c else "", "email": c.email if c else "", "company": c.company if c else "",
            "segment": c.segment if c else "", "revenue_weight": f"{c.revenue_weight:g}" if c and c.revenue_weight else "",
        }
        return _form_page(request, member, values, fb=fb, mode="edit")
    values = _form_values(request.POST)
    try:
        customer = _customer_from(values)
        services.feedback_update(
            member=member, feedback_id=fb.pk, version=form_version(request), text=values["text"],
            title=values["title"], source=values["source"], received_at=values["received_at"] or None,
            customer=customer, clear_customer=customer is None,
        )
    except UserError as exc:
        return _form_page(request, member, values, fb=fb, errors=_form_errors(exc), mode="edit", status=422)
    messages.success(request, "Feedback saved.")
    return finish(request, reverse("feedback_detail", args=[member.workspace.slug, fb.pk]))


# ---------------------------------------------------------------- one item


@workspace_page("feedback.view")
def feedback_detail(request: HttpRequest, member, feedback_id: int) -> HttpResponse:
    fb = selectors.feedback(workspace=member.workspace, feedback_id=feedback_id)
    return render(
        request,
        "feedback/detail.html",
        {
            "fb": fb,
            "text_html": render_markdown(fb.text),
            "links": list(selectors.links(workspace=member.workspace, feedback_id=fb.pk)),
            "ideas": selectors.link_choices(workspace=member.workspace, limit=500),
            "importances": Importance.choices,
            "triage": TRIAGE,
            "audit": audit_entries(workspace=member.workspace, object_type="feedback", object_id=fb.pk)[:20],
            "can_edit": can(member, "feedback.edit") or (fb.captured_by_id == member.user_id and can(member, "feedback.create")),
            "can_triage": can(member, "feedback.edit"),
            "can_link": can(member, "feedback_link.create"),
            "can_unlink_any": can(member, "feedback_link.delete"),
            "errors": {},
        },
    )


@workspace_page("feedback.view")
def feedback_drawer(request: HttpRequest, member, feedback_id: int) -> HttpResponse:
    """The item over the inbox: what they said, who, the linked ideas, triage."""
    fb = selectors.feedback(workspace=member.workspace, feedback_id=feedback_id)
    return drawer_response(
        request,
        "feedback/_drawer.html",
        {
            "fb": fb,
            "text_html": render_markdown(fb.text),
            "links": list(selectors.links(workspace=member.workspace, feedback_id=fb.pk)),
            "can_edit": can(member, "feedback.edit") or (fb.captured_by_id == member.user_id and can(member, "feedback.create")),
            "can_triage": can(member, "feedback.edit"),
        },
        page_url=reverse("feedback_detail", args=[member.workspace.slug, fb.pk]),
    )


@workspace_page("feedback.create")
@require_POST
def feedback_status(request: HttpRequest, member, feedback_id: int) -> HttpResponse:
    try:
        services.feedback_update(member=member, feedback_id=feedback_id, version=form_version(request),
                                 status=request.POST.get("status", ""))
    except UserError as exc:
        messages.error(request, exc.detail)
    return redirect(_next_or(request, reverse("feedback_detail", args=[member.workspace.slug, feedback_id])))


@workspace_page("feedback.create")
@require_POST
def feedback_delete(request: HttpRequest, member, feedback_id: int) -> HttpResponse:
    services.feedback_delete(member=member, feedback_id=feedback_id)
    messages.success(request, "Feedback deleted.")
    return redirect("feedback_inbox", slug=member.workspace.slug)


@workspace_page("feedback_link.create")
@require_POST
def feedback_link(request: HttpRequest, member, feedback_id: int) -> HttpResponse:
    """Link this item to an idea, with the selected passage as the quote."""
    try:
        idea_id = form_int(request.POST.get("idea_id"), "idea_id")
        if not idea_id:
            raise Invalid.field("idea_id", "Choose an idea.")
        link = services.link_create(
            member=member, feedback_id=feedback_id, idea_id=idea_id,
            quote=request.POST.get("quote", ""), importance=request.POST.get("importance", Importance.IMPORTANT),
        )
    except UserError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Linked to “{link.idea.title}”.")
    return redirect(_next_or(request, reverse("feedback_detail", args=[member.workspace.slug, feedback_id])))


@workspace_page("feedback_link.create")
@require_POST
def link_delete(request: HttpRequest, member, link_id: int) -> HttpResponse:
    link = services.get_link(member, link_id)
    fallback = reverse("feedback_detail", args=[member.workspace.slug, link.feedback_id])
    services.link_delete(member=member, link_id=link_id)
    messages.success(request, "Link removed.")
    return redirect(_next_or(request, fallback))


# ---------------------------------------------------------------- from the idea page


@workspace_page("feedback_link.create")
@require_POST
def idea_link_feedback(request: HttpRequest, member, idea_id: int) -> HttpResponse:
    """Link several feedback items to an idea at once (the evidence panel's "Link selected").

    Also the endpoint of the related-feedback panel (feedback/_related_for_idea.html): POST
    feedback_ids (repeated) and importance."""
    try:
        ids = int_list(request.POST.getlist("feedback_ids"))
        links = services.links_create(member=member, idea_id=idea_id, feedback_ids=ids,
                                      importance=request.POST.get("importance", Importance.IMPORTANT))
    except UserError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Linked {len(links)} feedback item{'s' if len(links) != 1 else ''}.")
    return redirect(reverse("idea_detail", args=[member.workspace.slug, idea_id]) + "#evidence")


@workspace_page("feedback.view")
def idea_feedback_picker(request: HttpRequest, member, idea_id: int) -> HttpResponse:
    """Unlinked feedback matching a search, to pick from on the idea page (htmx partial)."""
    idea = get_idea_row(workspace=member.workspace, idea_id=idea_id)
    q = request.GET.get("q", "").strip()[:200] or None
    items = list(
        selectors.feedback_list(workspace=member.workspace, q=q)
        .exclude(links__idea_id=idea.pk)
        .exclude(status=FeedbackStatus.ARCHIVED)[:15]
    )
    return render(request, "feedback/_picker.html", {"idea": idea, "items": items, "q": q or ""})


# ---------------------------------------------------------------- customers


@workspace_page("feedback.view")
def customers(request: HttpRequest, member) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200] or None
    segment = request.GET.get("segment", "").strip()[:60] or None
    sort = request.GET.get("sort") or "-revenue"
    try:
        qs = selectors.customers(workspace=member.workspace, q=q, segment=segment, sort=sort)
    except Invalid:
        sort = "-revenue"
        qs = selectors.customers(workspace=member.workspace, q=q, segment=segment, sort=sort)
    return render(
        request,
        "feedback/customers.html",
        {"page": page_of(request, qs), "filters": {"q": q, "segment": segment, "sort": sort},
         "segments": selectors.segments(workspace=member.workspace)},
    )


@workspace_page("feedback.view")
@require_http_methods(["GET", "POST"])
def customer_detail(request: HttpRequest, member, customer_id: int) -> HttpResponse:
    customer = selectors.customer(workspace=member.workspace, customer_id=customer_id)
    errors, status = {}, 200
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            services.customer_delete(member=member, customer_id=customer.pk)
            messages.success(request, f"{customer.name} was erased; their feedback stays, without a customer.")
            return redirect("customers", slug=member.workspace.slug)
        try:
            services.customer_update(
                member=member, customer_id=customer.pk, version=form_version(request),
                **{k: request.POST.get(k, "") for k in ("name", "email", "company", "segment")},
                revenue_weight=form_number_box(request.POST.get("revenue_weight", ""), "revenue_weight", label="Revenue weight") or 0.0,
            )
        except UserError as exc:
            errors, status = field_errors(exc), 422
        else:
            messages.success(request, "Customer saved.")
            return redirect("customer_detail", slug=member.workspace.slug, customer_id=customer.pk)
    items = list(selectors.feedback_list(workspace=member.workspace, customer_id=customer.pk)[:100])
    selectors.with_link_counts(items)
    return render(
        request,
        "feedback/customer.html",
        {
            "customer": customer,
            "items": items,
            "ideas": selectors.customer_ideas(customer=customer),
            "values": request.POST if errors else None,
            "errors": errors,
            "segment_choices": Segment.choices,
            "can_edit": can(member, "customer.edit"),
            "can_delete": can(member, "customer.delete"),
        },
        status=status,
    )


# ---------------------------------------------------------------- import

UPLOADS = "feedback-imports"  # accord.core.uploads area


@workspace_page("feedback.import")
@require_http_methods(["GET", "POST"])
def feedback_import(request: HttpRequest, member) -> HttpResponse:
    """Upload -> preview with the column mapping -> import (or a per-row report, nothing imported)."""
    options = {key: request.POST.get(key, "") for key in ("encoding", "decimal", "date_format")}
    context: dict = {
        "fields": importing.FIELDS, "sources": Source.choices, "default_source": Source.IMPORT,
        "file_options": {"encodings": ENCODINGS, "decimals": DECIMALS, "date_formats": DATE_FORMATS},
        "chosen": options,
    }  # fmt: skip
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("step") == "import":
                path = upload_path(UPLOADS, member, request.POST.get("upload_id", ""))
                if not path.exists():
                    raise importing.ImportFailed([importing.RowError(0, "file", "The upload expired; choose the file again.")])
                table = importing.read_table(path.read_bytes(), request.POST.get("filename", ""), options["encoding"] or "auto")
                mapping = {f: request.POST.get(f"map_{f}", "") for f, _ in importing.FIELDS}
                mapping = {f: c for f, c in mapping.items() if c}
                default_source = request.POST.get("default_source", Source.IMPORT)
                context.update(table=table, mapping=mapping, default_source=default_source,
                               upload_id=request.POST["upload_id"], filename=request.POST.get("filename", ""))
                result = importing.run_import(member=member, table=table, mapping=mapping, default_source=default_source,
                                              skip_bad_rows=bool(request.POST.get("skip_bad_rows")),
                                              decimal=options["decimal"] or None, date_format=options["date_format"] or "iso")
                path.unlink(missing_ok=True)
                note = f"Imported {result.created:,} feedback item{'s' if result.created != 1 else ''}"
                if result.skipped:
                    note += f"; skipped {result.skipped:,} bad row{'s' if result.skipped != 1 else ''}"
                    context["skipped"] = result
                messages.success(request, note + ".")
                if not result.skipped:
                    return finish(request, reverse("feedback_inbox", args=[member.workspace.slug]))
                context.pop("table")
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise importing.ImportFailed([importing.RowError(0, "file", "Choose a CSV or JSON file.")])
                data = upload.read(importing.MAX_BYTES + 1)
                table = importing.read_table(data, upload.name, options["encoding"] or "auto")
                upload_id = keep(UPLOADS, member, data)
                context.update(table=table, mapping=importing.guess_mapping(table.headers), upload_id=upload_id,
                               filename=upload.name)
        except importing.ImportFailed as exc:
            context["report"], status = exc, 422
    if context.get("table"):
        context["encoding_label"] = ENCODING_LABELS[context["table"].encoding]
        context["sample"] = context["table"].sample(5)
        context["row_count"] = sum(1 for r in context["table"].rows if r)
    return form_response(
        request,
        "feedback/_import.html",
        context,
        title="Import feedback",
        intro="From a CSV or JSON file (survey results, app reviews, a support tool's export, up to 20,000 rows). "
        "Choose which column holds what, check the preview, then import: all rows or none, unless you ask to "
        "skip the bad ones.",
        back_url=reverse("feedback_inbox", args=[member.workspace.slug]),
        back_label="Feedback",
        status=status,
    )
