"""Web pages for ideas, scoring models, scoring rounds and the parking lot (thin: services do the work)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accord.audit.selectors import audit_entries
from accord.core import facets
from accord.core.errors import FieldError, Invalid
from accord.core.markdown import render_markdown
from accord.core.numbers import COMMA, POINT, NumberError, number_field, parse_number
from accord.core.overlays import finish, form_response
from accord.core.web import (
    UserError,
    field_errors,
    form_date,
    form_int,
    form_number_box,
    form_version,
    int_list,
    page_of,
    with_query,
)
from accord.workspaces.permissions import can
from accord.workspaces.selectors import members as workspace_members
from accord.workspaces.selectors import teams as workspace_teams
from accord.workspaces.web import workspace_page

from . import charts, evidence, panels, scoring, selectors, services
from .models import DecisionKind, IdeaStatus, ModelKind, RoundStatus
from .views_workflow import round_from_selection

TAB_OF_ERRORS = {"decision": "decisions", "scores": "scores"}
BOARD_COLUMNS = [
    IdeaStatus.NEW,
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.SCORED,
    IdeaStatus.PLANNED,
    IdeaStatus.PARKED,
    IdeaStatus.DONE,
]


def _tags(text: str) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _list_filters(request: HttpRequest) -> dict:
    get = request.GET
    return {
        "q": get.get("q", "").strip() or None,
        "status": get.get("status") or None,
        "tag": get.get("tag") or None,
        "department_id": form_int(get.get("department"), "department"),
        "submitter_id": form_int(get.get("submitter"), "submitter"),
        "score_min": form_number_box(get.get("score_min"), "score_min", label="Lowest score"),
        "score_max": form_number_box(get.get("score_max"), "score_max", label="Highest score"),
        "sort": get.get("sort") or "-score",
        "criterion": get.get("criterion") or None,
    }


def _chosen_model(member, request: HttpRequest):
    model_id = form_int(request.GET.get("model"), "model")
    if model_id:
        return selectors.scoring_model(workspace=member.workspace, model_id=model_id)
    return selectors.default_model(workspace=member.workspace)


# ---------------------------------------------------------------- ideas list and board


@workspace_page("idea.view")
def ideas_list(request: HttpRequest, member) -> HttpResponse:
    errors, error_text = {}, ""
    model, filters = None, {}
    try:
        model = _chosen_model(member, request)
        filters = _list_filters(request)
        shown = selectors.ideas(workspace=member.workspace, model=model, **filters)
        page = page_of(request, facets.apply("idea", shown, request.GET, member.workspace_id))
    except Invalid as exc:
        # The form keeps what was typed (marked invalid); the table shows every idea, and says so.
        errors, error_text = field_errors(exc), exc.detail
        page = page_of(request, selectors.ideas(workspace=member.workspace, model=model))
    # A column per facet that says what each idea carries, e.g. "Stage" badges (initiatives).
    facet_columns = facets.annotate("idea", page, member.workspace_id)
    context = {
        "facet_columns": facet_columns,
        "page": page,
        "filters": filters,
        "errors": errors,
        "error_text": error_text,
        "model": model,
        "models": selectors.scoring_models(workspace=member.workspace),
        "tags": selectors.tags(workspace=member.workspace),
        "teams": workspace_teams(workspace=member.workspace),
        "members": workspace_members(workspace=member.workspace),
        "statuses": [s for s in IdeaStatus.choices if s[0] != IdeaStatus.MERGED],
        "can_edit": can(member, "idea.edit"),
        "can_create": can(member, "idea.create"),
        "can_open_rounds": can(member, "round.manage"),
        "query": request.GET.urlencode(),
        "facets": facets.form("idea", request.GET, member.workspace_id),  # e.g. "Stage" (initiatives)
    }
    template = (
        "ideas/_idea_rows.html"
        if request.htmx and request.htmx.target == "idea-rows"
        else "ideas/list.html"
    )
    return render(request, template, context, status=400 if errors else 200)


@workspace_page("idea.view")
def ideas_board(request: HttpRequest, member) -> HttpResponse:
    """Columns by status (cards move between them), or by a facet a higher app adds (?by=stage:
    the lifecycle stage of the ideas' initiatives; an idea in two stages shows in both)."""
    model = selectors.default_model(workspace=member.workspace)
    ideas = list(selectors.ideas(workspace=member.workspace, model=model)[:500])
    groupable = {f.key: f for f in facets.groupable("idea")}
    by = request.GET.get("by") or "status"
    if by in groupable:
        facet = groupable[by]
        columns = [
            {"key": f"{by}-{value or 'none'}", "label": label, "colour": colour, "ideas": shown}
            for value, label, colour, shown in facets.group(
                facet, ideas, member.workspace_id, f"No {facet.label.lower()}", keep_empty=True
            )
        ]
    else:
        by = "status"
        columns = [
            {"key": s.value, "status": s, "label": s.label, "ideas": [i for i in ideas if i.status == s]}
            for s in BOARD_COLUMNS
        ]
    return render(
        request,
        "ideas/board.html",
        {
            "columns": columns,
            "by": by,
            "board_by": [("status", "Status"), *((f.key, f.label) for f in groupable.values())],
            "statuses": [(s.value, s.label) for s in BOARD_COLUMNS],
            "model": model,
            "can_edit": can(member, "idea.edit"),
            "can_move": can(member, "idea.edit") and by == "status",
            "can_create": can(member, "idea.create"),
        },
    )


@workspace_page("idea.view")
@require_POST
def idea_status(request: HttpRequest, member, idea_id: int) -> HttpResponse:
    """Move a card on the board (or set the status from the table)."""
    try:
        services.idea_update(
            member=member,
            idea_id=idea_id,
            version=form_version(request),
            status=request.POST.get("status", ""),
        )
    except UserError as exc:
        messages.error(request, exc.detail)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("ideas_board", args=[member.workspace.slug])  # only back into Accord
    return redirect(target)


@workspace_page("idea.edit")
@require_POST
def ideas_bulk(request: HttpRequest, member) -> HttpResponse:
    post = request.POST
    if post.get("action") == "round":
        return round_from_selection(request, member)
    try:
        count = services.ideas_bulk(
            member=member,
            idea_ids=int_list(post.getlist("idea_ids")),
            action=post.get("action", ""),
            tags=_tags(post.get("tags", "")),
            status=post.get("status") or None,
            reason=post.get("reason", ""),
            revisit_on=form_date(post.get("revisit_on"), "revisit_on"),
            revisit_condition=post.get("revisit_condition", ""),
        )
    except UserError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"{count} idea{'s' if count != 1 else ''} updated.")
    return redirect(with_query(reverse("ideas", args=[member.workspace.slug]), post.get("query", "")))


# ---------------------------------------------------------------- one idea


def _idea_form(request: HttpRequest, member, idea, values, errors: dict) -> HttpResponse:
    context = {
        "errors": errors,
        "values": values,
        "teams": workspace_teams(workspace=member.workspace),
        "idea": idea,
    }
    slug = member.workspace.slug
    return form_response(
        request,
        "ideas/_form.html",
        context,
        title="Edit idea" if idea else "Submit an idea",
        intro="Changes are recorded in the idea's history."
        if idea
        else "Describe the problem first: the best ideas start from one. It starts as New; editors score it in a round.",
        back_url=reverse("idea_detail", args=[slug, idea.pk]) if idea else reverse("ideas", args=[slug]),
        back_label=idea.title if idea else "Ideas",
        status=422 if errors else 200,
    )


@workspace_page("idea.create")
@require_http_methods(["GET", "POST"])
def idea_new(request: HttpRequest, member) -> HttpResponse:
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        try:
            idea = services.idea_create(
                member=member,
                title=values.get("title", ""),
                description=values.get("description", ""),
                problem=values.get("problem", ""),
                department_id=form_int(values.get("department_id"), "department_id"),
                product_area=values.get("product_area", ""),
                tags=_tags(values.get("tags", "")),
            )
        except UserError as exc:
            errors = field_errors(exc)
        else:
            messages.success(request, "Idea submitted.")
            return finish(request, reverse("idea_detail", args=[member.workspace.slug, idea.pk]))
    return _idea_form(request, member, None, values, errors)


@workspace_page("idea.view")
@require_http_methods(["GET", "POST"])
def idea_edit(request: HttpRequest, member, idea_id: int) -> HttpResponse:
    idea = selectors.idea(workspace=member.workspace, idea_id=idea_id)
    errors: dict = {}
    values = {
        "title": idea.title,
        "description": idea.description,
        "problem": idea.problem,
        "department_id": idea.department_id,
        "product_area": idea.product_area,
        "tags": ", ".join(t.name for t in idea.tags.all()),
        "version": idea.version,
    }
    if request.method == "POST":
        values = request.POST
        try:
            department_id = form_int(values.get("department_id"), "department_id")
            services.idea_update(
                member=member,
                idea_id=idea.pk,
                version=form_version(request),
                title=values.get("title", ""),
                description=values.get("description", ""),
                problem=values.get("problem", ""),
                department_id=department_id,
                clear_department=department_id is None,
                product_area=values.get("product_area", ""),
                tags=_tags(values.get("tags", "")),
            )
        except UserError as exc:
            errors = field_errors(exc)
        else:
            messages.success(request, "Idea saved.")
            return finish(request, reverse("idea_detail", args=[member.workspace.slug, idea.pk]))
    return _idea_form(request, member, idea, values, errors)


@workspace_page("idea.view")
def idea_detail(request: HttpRequest, member, idea_id: int) -> HttpResponse:
    idea = selectors.idea(workspace=member.workspace, idea_id=idea_id)
    if idea.merged_into_id:
        messages.info(request, f"“{idea.title}” was merged into this idea.")
        return redirect("idea_detail", slug=member.workspace.slug, idea_id=idea.merged_into_id)
    return _idea_page(request, member, idea)


def _breakdown_rows(score) -> list[dict]:
    """Per criterion (or Kano category): the input, its contribution and a 0-100 bar width."""
    if score.model.kind == ModelKind.KANO:
        total = sum(score.breakdown.values()) or 1
        return [
            {
                "name": label,
                "key": letter,
                "value": score.breakdown.get(letter, 0),
                "bar": round(score.breakdown.get(letter, 0) / total * 100),
            }
            for letter, label in scoring.KANO_LABELS.items()
        ]
    weighted = score.model.kind == ModelKind.WEIGHTED
    rows = []
    for c in score.criteria:
        value, part, bar = score.inputs.get(c.key), score.breakdown.get(c.key), None
        if weighted and c.role != "input":
            bar = part / c.weight * 100 if part is not None and c.weight else None
        elif value is not None and c.scale_max - c.scale_min <= 100:
            bar = (value - c.scale_min) / (c.scale_max - c.scale_min) * 100
        rows.append(
            {
                "criterion": c,
                "value": value,
                "contribution": part if weighted and c.role != "input" else None,
                "bar": None if bar is None else round(max(0.0, min(100.0, bar))),
            }
        )
    return rows


def _idea_page(request, member, idea, *, errors=None, status=200) -> HttpResponse:
    scores = selectors.idea_scores(idea=idea)
    for score in scores:
        score.rows = _breakdown_rows(score)
    default = scores[0] if scores else None
    history = selectors.score_history(idea=idea, model=default.model) if default else []
    return render(
        request,
        "ideas/detail.html",
        {
            "idea": idea,
            "description_html": render_markdown(idea.description),
            "scores": scores,
            "default_score": default,
            "history": history,
            "history_chart": charts.history_chart(history),
            "decisions": selectors.decisions(idea=idea),
            "merged_ideas": idea.merged_ideas.all(),
            "audit": audit_entries(
                workspace=member.workspace, object_type="idea", object_id=idea.pk
            )[:30],
            "decision_kinds": DecisionKind.choices,
            "other_ideas": selectors.ideas(workspace=member.workspace)
            .exclude(pk=idea.pk)
            .select_related(None)
            .prefetch_related(None)
            .only("id", "title")[:500],
            "can_edit": can(member, "idea.edit")
            or (idea.submitter_id == member.user_id and idea.status == IdeaStatus.NEW),
            "can_decide": can(member, "idea.decide"),
            "can_score": can(member, "idea.edit"),
            "errors": errors or {},
            "panels": panels.render_panels(request, member, idea),
            "idea_actions": panels.actions_for(member, idea),
            # After a refused form, the tab that shows its messages.
            "active_tab": next((tab for key, tab in TAB_OF_ERRORS.items() if key in (errors or {})), "overview"),
        },
        status=status,
    )


@workspace_page("idea.decide")
@require_POST
def idea_decide(request: HttpRequest, member, idea_id: int) -> HttpResponse:
    post = request.POST
    try:
        services.decide(
            member=member,
            idea_id=idea_id,
            kind=post.get("kind", ""),
            reason=post.get("reason", ""),
            revisit_on=form_date(post.get("revisit_on"), "revisit_on"),
            revisit_condition=post.get("revisit_condition", ""),
        )
    except UserError as exc:
        idea = selectors.idea(workspace=member.workspace, idea_id=idea_id)
        return _idea_page(request, member, idea, errors={"decision": field_errors(exc)}, status=422)
    messages.success(request, "Decision recorded.")
    return redirect(reverse("idea_detail", args=[member.workspace.slug, idea_id]) + "#decisions")


@workspace_page("idea.decide")
@require_POST
def idea_merge(request: HttpRequest, member, idea_id: int) -> HttpResponse:
    try:
        target = services.idea_merge(
            member=member,
            source_id=idea_id,
            target_id=form_int(request.POST.get("target_id"), "target_id", 0),
        )
    except UserError as exc:
        messages.error(request, exc.detail)
        return redirect("idea_detail", slug=member.workspace.slug, idea_id=idea_id)
    messages.success(request, "Merged: votes, scores and tags now live on this idea.")
    return redirect("idea_detail", slug=member.workspace.slug, idea_id=target.pk)


@workspace_page("idea.edit")
@require_POST
def idea_scores(request: HttpRequest, member, idea_id: int, model_id: int) -> HttpResponse:
    """Agreed values set directly by an editor (e.g. during a meeting)."""
    try:
        values = _score_values(request.POST)
        services.idea_set_inputs(member=member, idea_id=idea_id, model_id=model_id, values=values)
    except UserError as exc:
        idea = selectors.idea(workspace=member.workspace, idea_id=idea_id)
        return _idea_page(
            request,
            member,
            idea,
            errors={"scores": {"model_id": model_id, **field_errors(exc)}},
            status=422,
        )
    messages.success(request, "Scores saved.")
    return redirect(reverse("idea_detail", args=[member.workspace.slug, idea_id]) + "#scores")


# ---------------------------------------------------------------- scoring models


@workspace_page("scoring_model.view")
@require_http_methods(["GET", "POST"])
def scoring_models(request: HttpRequest, member) -> HttpResponse:
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        try:
            model = services.scoring_model_create(
                member=member,
                name=values.get("name", ""),
                kind=values.get("kind", ""),
                description=values.get("description", ""),
                formula=values.get("formula", ""),
                is_default=values.get("is_default") == "on",
                criteria=_criteria_from_text(values.get("criteria_keys", ""))
                if values.get("kind") == ModelKind.FORMULA
                else None,
            )
        except UserError as exc:
            errors = field_errors(exc)
        else:
            messages.success(
                request,
                f"Scoring model {model.name} created with the {model.get_kind_display()} criteria; adjust them below.",
            )
            return redirect("scoring_model", slug=member.workspace.slug, model_id=model.pk)
    return render(
        request,
        "ideas/models.html",
        {
            "models": selectors.scoring_models(workspace=member.workspace),
            "presets": scoring.PRESETS.values(),
            "can_manage": can(member, "scoring_model.manage"),
            "errors": errors,
            "values": values,
        },
        status=422 if errors else 200,
    )


def _criteria_from_text(text: str) -> list[dict]:
    """'reach, impact, effort' -> input criteria on a 0-1000 scale for a new custom-formula model."""
    return [
        {"key": k.strip(), "role": "input", "scale_min": 0, "scale_max": 1000}
        for k in text.split(",")
        if k.strip()
    ]


def _score_values(post) -> dict[str, float | None]:
    """The c_<criterion> fields of a scoring form: number boxes and lists of allowed values, which
    a browser always sends with a point (blank: no value)."""
    values: dict[str, float | None] = {}
    errors: list[FieldError] = []
    for key, raw in post.items():
        if key.startswith("c_"):
            try:
                values[key[2:]] = parse_number(raw, hint="none")
            except NumberError as exc:
                errors.append(FieldError(f"values.{key[2:]}", str(exc)))
    if errors:
        raise Invalid("Some scores are not valid.", errors)
    return values


def _allowed_values(text: str, i: int, decimal: str) -> list[float] | None:
    """'1, 2, 3' (a point workspace) or '0,5; 1; 2' (a comma workspace: the list takes semicolons)."""
    if not text.strip():
        return None
    parts = text.split(";") if decimal == COMMA or ";" in text else text.split(",")
    return [
        number_field(p, f"criteria.{i}.allowed", label="Allowed values", decimal=decimal)
        for p in parts
        if p.strip()
    ]


def _criteria_from_form(post, decimal: str = POINT) -> list[dict]:
    rows = []
    for i in range(int(post.get("criteria_count", 0) or 0)):
        if post.get(f"cr_{i}_delete") == "on" or not post.get(f"cr_{i}_key", "").strip():
            continue
        n = len(rows)

        def box(name: str, label: str, default: float | None = 0.0, i: int = i, n: int = n) -> float | None:
            value = form_number_box(post.get(f"cr_{i}_{name}"), f"criteria.{n}", label=label)
            return default if value is None else value

        rows.append(
            {
                "key": post.get(f"cr_{i}_key", "").strip(),
                "name": post.get(f"cr_{i}_name", ""),
                "role": post.get(f"cr_{i}_role", "benefit"),
                "weight": box("weight", "Weight"),
                "scale_min": box("min", "Scale minimum"),
                "scale_max": box("max", "Scale maximum"),
                "allowed": _allowed_values(post.get(f"cr_{i}_allowed", ""), n, decimal),
                "source": post.get(f"cr_{i}_source", ""),
                "saturation": box("saturation", "Full at", None),
            }
        )
    return rows


def _criteria_rows(model, post=None, errors=None, decimal: str = POINT) -> list[dict]:
    """The editable criteria table: the saved criteria, or (after an error) the posted rows with theirs."""
    if post is None:
        return [
            {
                "key": c.key,
                "name": c.name,
                "role": c.role,
                "weight": scoring.format_number(c.weight),
                "min": scoring.format_number(c.scale_min),
                "max": scoring.format_number(c.scale_max),
                "allowed": ("; " if decimal == COMMA else ", ").join(
                    scoring.format_number(v).replace(".", "," if decimal == COMMA else ".") for v in c.allowed or []
                ),
                "source": c.source,
                "saturation": scoring.format_number(c.saturation) if c.saturation else "",
                "errors": [],
            }
            for c in model.criteria.all()
        ]
    count = form_int(post.get("criteria_count"), "criteria_count", 0) or 0
    rows, kept = {}, []
    for i in range(count):
        key = post.get(f"cr_{i}_key", "").strip()
        if post.get(f"cr_{i}_delete") == "on" or not key:
            continue
        kept.append(i)
        rows[i] = {
            "key": key,
            **{
                f: post.get(f"cr_{i}_{f}", "")
                for f in ("name", "role", "weight", "min", "max", "source", "saturation")
            },
            "allowed": post.get(f"cr_{i}_allowed", ""),
            "errors": [],
        }
    for field, messages_ in (errors or {}).items():
        parts = field.split(".")
        if parts[0] == "criteria" and len(parts) > 1 and parts[1].isdigit():
            j = int(parts[1])  # the service counts the kept rows only
            row = rows.get(kept[j] if j < len(kept) else j)
            if row is not None:
                row["errors"].extend(messages_)
    return list(rows.values())


@workspace_page("scoring_model.view")
@require_http_methods(["GET", "POST"])
def scoring_model(request: HttpRequest, member, model_id: int) -> HttpResponse:
    model = selectors.scoring_model(workspace=member.workspace, model_id=model_id)
    errors: dict = {}
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("action") == "delete":
                services.scoring_model_delete(member=member, model_id=model.pk)
                messages.success(request, f"Scoring model {model.name} deleted.")
                return redirect("scoring_models", slug=member.workspace.slug)
            services.scoring_model_update(
                member=member,
                model_id=model.pk,
                version=form_version(request),
                name=post.get("name"),
                description=post.get("description"),
                criteria=_criteria_from_form(post, member.workspace.decimal_separator),
                formula=post.get("formula") if model.kind == ModelKind.FORMULA else None,
                options={"variant": post.get("variant")}
                if model.kind == ModelKind.ICE and post.get("variant")
                else None,
                promote_threshold=form_number_box(post.get("promote_threshold"), "promote_threshold"),
                park_threshold=form_number_box(post.get("park_threshold"), "park_threshold"),
                clear_thresholds=not post.get("promote_threshold")
                and not post.get("park_threshold"),
                is_default=True if post.get("is_default") == "on" else None,
            )
        except UserError as exc:
            errors = field_errors(exc)
        else:
            messages.success(request, "Model saved; every idea was rescored.")
            return redirect("scoring_model", slug=member.workspace.slug, model_id=model.pk)
        model = selectors.scoring_model(workspace=member.workspace, model_id=model_id)
    context = {
        "model": model,
        "criteria": list(model.criteria.all()),
        "criteria_rows": _criteria_rows(
            model, request.POST if errors else None, errors, member.workspace.decimal_separator
        ),
        "preset": scoring.PRESETS.get(model.kind),
        "roles": [("benefit", "Benefit"), ("cost", "Cost"), ("input", "Input")],
        "evidence_sources": evidence.choices(),
        "can_manage": can(member, "scoring_model.manage"),
        "errors": errors,
        "ranking": selectors.ideas(workspace=member.workspace, model=model)[:15],
        "moscow": selectors.moscow_balance(model=model) if model.kind == ModelKind.MOSCOW else None,
        "sensitivity": _sensitivity(request, member, model),
        "idea_choices": selectors.ideas(workspace=member.workspace, model=model)
        .select_related(None)
        .prefetch_related(None)
        .only("id", "title")[:300],
    }
    if model.kind == ModelKind.VALUE_EFFORT:
        context["matrix"] = charts.matrix_chart(
            selectors.value_effort_matrix(workspace=member.workspace, model=model)
        )
    return render(request, "ideas/model.html", context, status=422 if errors else 200)


def _sensitivity(request, member, model) -> dict | None:
    a, b = form_int(request.GET.get("a"), "a"), form_int(request.GET.get("b"), "b")
    if model.kind != ModelKind.WEIGHTED or not a or not b:
        return None
    try:
        idea_a = selectors.idea(workspace=member.workspace, idea_id=a)
        idea_b = selectors.idea(workspace=member.workspace, idea_id=b)
        return {
            "a": idea_a,
            "b": idea_b,
            **selectors.sensitivity(model=model, idea_a=idea_a, idea_b=idea_b),
        }
    except Invalid as exc:
        return {"error": exc.detail}


@workspace_page("rating.submit")
@require_POST
def kano_answer(request: HttpRequest, member, model_id: int) -> HttpResponse:
    post = request.POST
    try:
        services.kano_answer_set(
            member=member,
            model_id=model_id,
            idea_id=form_int(post.get("idea_id"), "idea_id", 0),
            respondent=post.get("respondent", ""),
            functional=post.get("functional", ""),
            dysfunctional=post.get("dysfunctional", ""),
        )
    except UserError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Answer recorded.")
    return redirect("scoring_model", slug=member.workspace.slug, model_id=model_id)


# ---------------------------------------------------------------- rounds


@workspace_page("idea.view")
@require_http_methods(["GET", "POST"])
def rounds(request: HttpRequest, member) -> HttpResponse:
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        try:  # round_open refuses members who may not manage rounds (403)
            scoring_round = services.round_open(
                member=member,
                model_id=form_int(values.get("model_id"), "model_id", 0),
                title=values.get("title", ""),
                idea_ids=int_list(values.getlist("idea_ids")),
            )
        except UserError as exc:
            errors = field_errors(exc)
        else:
            messages.success(request, "Round opened: stakeholders can score now.")
            return redirect("round", slug=member.workspace.slug, round_id=scoring_round.pk)
    return render(
        request,
        "ideas/rounds.html",
        {
            "rounds": selectors.rounds(workspace=member.workspace).annotate(
                idea_count=Count("ideas", distinct=True),
                rater_count=Count("participants", distinct=True),
                submitted_count=Count(
                    "participants",
                    filter=Q(participants__submitted_at__isnull=False),
                    distinct=True,
                ),
            ),
            "models": [
                m
                for m in selectors.scoring_models(workspace=member.workspace)
                if m.kind != ModelKind.KANO
            ],
            "candidates": selectors.ideas(workspace=member.workspace)
            .filter(status__in=[IdeaStatus.NEW, IdeaStatus.UNDER_REVIEW, IdeaStatus.SCORED])
            .select_related(None)
            .prefetch_related(None)
            .only("id", "title", "status")[:300],
            "can_manage": can(member, "round.manage"),
            "errors": errors,
            "values": values,
            "chosen_ids": values.getlist("idea_ids") if values else [],
        },
        status=422 if errors else 200,
    )


@workspace_page("idea.view")
def scoring_round(request: HttpRequest, member, round_id: int) -> HttpResponse:
    scoring_round_ = selectors.scoring_round(workspace=member.workspace, round_id=round_id)
    data = selectors.consensus(scoring_round=scoring_round_, viewer=member.user)
    submitted = next(
        (p.submitted_at for p in data["participants"] if p.rater_id == member.user_id), None
    )
    return render(
        request,
        "ideas/round.html",
        {
            "round": scoring_round_,
            "data": data,
            "rows": _round_rows(data),
            "heatmap": charts.heatmap(data),
            "submitted_at": submitted,
            "is_open": scoring_round_.status == RoundStatus.OPEN,
            "can_rate": can(member, "rating.submit")
            and scoring_round_.status == RoundStatus.OPEN
            and not submitted,
            "can_manage": can(member, "round.manage"),
            "sees_others": len(data["visible_raters"]) > 1,
        },
    )


def _round_rows(data: dict) -> list[dict]:
    """One row per idea with, per criterion, the caller's score and the visible consensus."""
    rows = []
    for idea in data["ideas"]:
        cells = []
        for criterion in data["criteria"]:
            key = (idea.pk, criterion.pk)
            cells.append(
                {
                    "criterion": criterion,
                    "mine": data["mine"].get(key),
                    "stats": data["cells"].get(key),
                }
            )
        rows.append({"idea": idea, "cells": cells})
    return rows


@workspace_page("rating.submit")
@require_POST
def round_rate(request: HttpRequest, member, round_id: int, idea_id: int) -> HttpResponse:
    """Save one idea's scores (htmx, on change): answers with the row's saved state, no page reload."""
    status, message = 200, "Saved"
    try:
        values = _score_values(request.POST)
        services.ratings_save(member=member, round_id=round_id, idea_id=idea_id, values=values)
    except UserError as exc:
        # The field messages name the criterion and its scale ("Effort must be between 1 and 5").
        status = 422
        message = " ".join(m for messages_ in field_errors(exc).values() for m in messages_)
    if request.htmx:
        return render(
            request,
            "ideas/_save_state.html",
            {"message": message, "ok": status == 200},
            status=200 if status == 200 else 422,
        )
    if status != 200:
        messages.error(request, message)
    return redirect("round", slug=member.workspace.slug, round_id=round_id)


@workspace_page("rating.submit")
@require_POST
def round_submit(request: HttpRequest, member, round_id: int) -> HttpResponse:
    try:
        services.ratings_submit(member=member, round_id=round_id)
    except UserError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Scores submitted. You now see everyone's submitted scores.")
    return redirect("round", slug=member.workspace.slug, round_id=round_id)


@workspace_page("round.manage")
@require_POST
def round_close(request: HttpRequest, member, round_id: int) -> HttpResponse:
    try:
        services.round_close(member=member, round_id=round_id)
    except UserError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request, "Round closed: the agreed scores are in, and the ideas were rescored."
        )
    return redirect("round", slug=member.workspace.slug, round_id=round_id)


# ---------------------------------------------------------------- parking lot


@workspace_page("idea.view")
def parking_lot(request: HttpRequest, member) -> HttpResponse:
    rows = selectors.parking_lot(workspace=member.workspace)
    for r in rows:  # the scores kept with the park decision (the models that had one then)
        snapshot = r["decision"].score_snapshot if r["decision"] else {}
        r["snapshot"] = [(name, snap) for name, snap in snapshot.items() if snap.get("value") is not None]
    return render(
        request,
        "ideas/parking_lot.html",
        {
            "rows": rows,
            "due": [r for r in rows if r["due"]],
            "can_decide": can(member, "idea.decide"),
        },
    )
