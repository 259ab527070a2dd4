"""Reads for initiatives, the portfolio, gates and stage history, each in a constant number of
queries (asserted in the tests)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Q

from accord.goals.models import Goal
from accord.ideas.models import Idea
from accord.roadmaps.models import RoadmapItem

from .lifecycle import ensure_stages
from .models import GateCriterion, GateSigner, Initiative, LifecycleStage, StageChange


def stages(*, workspace) -> list[LifecycleStage]:
    return ensure_stages(workspace.pk)


def stages_with_templates(*, workspace) -> list[LifecycleStage]:
    ensure_stages(workspace.pk)
    return list(
        LifecycleStage.objects.filter(workspace=workspace)
        .prefetch_related("criteria")
        .annotate(in_use=Count("initiatives"))
    )


@dataclass
class Readiness:
    """How far the gate of an initiative's current stage is: "3/5 criteria, 1/2 signed"."""

    criteria: int = 0
    met: int = 0
    signers: int = 0
    signed: int = 0

    @property
    def ready(self) -> bool:
        return self.met == self.criteria and self.signed == self.signers

    @property
    def text(self) -> str:
        parts = [f"{self.met}/{self.criteria} criteria"]
        parts.append(f"{self.signed}/{self.signers} signed" if self.signers else "no signers")
        return ", ".join(parts)


def readiness(initiative_ids: list[int]) -> dict[int, Readiness]:
    """The readiness of each initiative's current gate, in two queries."""
    out: dict[int, Readiness] = {pk: Readiness() for pk in initiative_ids}
    if not initiative_ids:
        return out
    for row in (
        GateCriterion.objects.filter(
            initiative_id__in=initiative_ids, stage_id=F("initiative__stage_id")
        )
        .values("initiative_id")
        .annotate(total=Count("id"), met=Count("id", filter=Q(met_at__isnull=False)))
    ):
        out[row["initiative_id"]].criteria, out[row["initiative_id"]].met = row["total"], row["met"]
    for row in (
        GateSigner.objects.filter(
            initiative_id__in=initiative_ids, stage_id=F("initiative__stage_id")
        )
        .values("initiative_id")
        .annotate(total=Count("id"), signed=Count("id", filter=Q(signed_at__isnull=False)))
    ):
        out[row["initiative_id"]].signers, out[row["initiative_id"]].signed = (
            row["total"],
            row["signed"],
        )
    return out


def initiatives(*, workspace, kind: str | None = None, stage_id: int | None = None, q: str | None = None,
                archived: bool = False):  # fmt: skip
    qs = Initiative.objects.filter(workspace=workspace).select_related("stage", "owner")
    qs = qs.filter(archived_at__isnull=not archived)
    if kind:
        qs = qs.filter(kind=kind)
    if stage_id:
        qs = qs.filter(stage_id=stage_id)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("stage__position", "name", "id")


@dataclass
class Column:
    stage: LifecycleStage
    cards: list = field(default_factory=list)
    count: int = 0  # every initiative in the stage (cards may show only the first of them)

    @property
    def hidden(self) -> int:
        return self.count - len(self.cards)


def portfolio(
    *,
    workspace,
    kind: str | None = None,
    q: str | None = None,
    per_stage: int | None = None,
    expand: str | None = None,
) -> list[Column]:
    """The initiatives by stage (every stage a column, empty ones too), each card carrying its gate's
    readiness and its counts of linked ideas, items and goals. Eight queries, however many.

    per_stage: at most that many cards per column (the count stays the whole stage's), except in
    the column of the stage whose key is `expand`."""
    columns = {s.pk: Column(s) for s in ensure_stages(workspace.pk)}
    qs = initiatives(workspace=workspace, kind=kind, q=q)
    shown = []  # every initiative's id and stage first (cheap tuples), then the cards' rows
    for pk, stage_id in qs.values_list("pk", "stage_id"):
        column = columns[stage_id]
        column.count += 1
        if per_stage is None or column.count <= per_stage or column.stage.key == expand:
            shown.append(pk)
    rows = list(qs) if per_stage is None else list(qs.filter(pk__in=shown)) if shown else []
    ids = [i.pk for i in rows]
    ready = readiness(ids)
    counts = {
        attr: _link_counts(getattr(Initiative, attr).through, ids)
        for attr in ("ideas", "roadmap_items", "goals")
    }
    for initiative in rows:
        initiative.readiness = ready[initiative.pk]
        initiative.n_ideas = counts["ideas"].get(initiative.pk, 0)
        initiative.n_items = counts["roadmap_items"].get(initiative.pk, 0)
        initiative.n_goals = counts["goals"].get(initiative.pk, 0)
        columns[initiative.stage_id].cards.append(initiative)
    return list(columns.values())


def _link_counts(through, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(
        through.objects.filter(initiative_id__in=ids)
        .values("initiative_id")
        .annotate(n=Count("id"))
        .values_list("initiative_id", "n")
    )


def next_stage(stage_list: list[LifecycleStage], stage_id: int) -> LifecycleStage | None:
    ids = [s.pk for s in stage_list]
    i = ids.index(stage_id)
    return stage_list[i + 1] if i + 1 < len(stage_list) else None


def detail(*, workspace, initiative_id: int) -> dict | None:
    """Everything the initiative page and the API show, in a constant number of queries."""
    initiative = (
        Initiative.objects.filter(workspace=workspace, pk=initiative_id)
        .select_related("stage", "owner")
        .first()
    )
    if initiative is None:
        return None
    stage_list = ensure_stages(workspace.pk)
    criteria = list(
        GateCriterion.objects.filter(initiative=initiative)
        .select_related("met_by")
        .order_by("position", "id")
    )
    signers = list(
        GateSigner.objects.filter(initiative=initiative).select_related("person", "signed_by")
    )
    current = [c for c in criteria if c.stage_id == initiative.stage_id]
    current_signers = [s for s in signers if s.stage_id == initiative.stage_id]
    return {
        "initiative": initiative,
        "stages": stage_list,
        "next_stage": next_stage(stage_list, initiative.stage_id),
        "criteria": current,
        "signers": current_signers,
        "readiness": Readiness(
            criteria=len(current),
            met=sum(1 for c in current if c.met_at),
            signers=len(current_signers),
            signed=sum(1 for s in current_signers if s.signed_at),
        ),
        "past_gates": _past_gates(stage_list, initiative, criteria, signers),
        "history": list(
            StageChange.objects.filter(initiative=initiative)
            .select_related("from_stage", "to_stage", "by")
            .order_by("-at", "-id")
        ),
        "ideas": list(Idea.objects.filter(initiatives=initiative).order_by("title")),
        "items": list(
            RoadmapItem.objects.filter(initiatives=initiative)
            .select_related("roadmap")
            .order_by("start_date", "title")
        ),
        "goals": list(Goal.objects.filter(initiatives=initiative).order_by("start_date", "title")),
    }


def _past_gates(stage_list, initiative, criteria, signers) -> list[dict]:
    """The gates of the other stages the initiative holds (left as they were), in stage order."""
    by_stage: dict[int, dict] = defaultdict(lambda: {"criteria": [], "signers": []})
    for c in criteria:
        if c.stage_id != initiative.stage_id:
            by_stage[c.stage_id]["criteria"].append(c)
    for s in signers:
        if s.stage_id != initiative.stage_id:
            by_stage[s.stage_id]["signers"].append(s)
    return [{"stage": st, **by_stage[st.pk]} for st in stage_list if st.pk in by_stage]


def waiting_for(*, workspace, person_id: int | None) -> list[GateSigner]:
    """The gates (of initiatives' current stages) this person is asked to sign and has not."""
    if person_id is None:
        return []
    return list(
        GateSigner.objects.filter(
            initiative__workspace=workspace, person_id=person_id, signed_at__isnull=True,
            stage_id=F("initiative__stage_id"), initiative__archived_at__isnull=True,
        )
        .select_related("initiative", "stage")
        .order_by("initiative__name")
    )  # fmt: skip


@dataclass(frozen=True)
class SelfApproval:
    """An initiative's owner asked to sign (or who signed) the gate of their own initiative."""

    initiative_id: int
    stage_id: int
    person_id: int
    signed_at: datetime | None


def self_approvals(
    *, workspace_id: int, initiative_ids: list[int] | None = None
) -> list[SelfApproval]:
    """Owners who sign (or are asked to sign) their own initiative's gates, in one query: for the
    conflict checks (roles: "someone approving their own gate"). Signed ones are also recorded on
    the signature (GateSigner.own_gate) and in the audit trail."""
    qs = GateSigner.objects.filter(initiative__workspace_id=workspace_id).filter(
        Q(person_id=F("initiative__owner_id")) | Q(own_gate=True)
    )
    if initiative_ids is not None:
        qs = qs.filter(initiative_id__in=initiative_ids)
    return [
        SelfApproval(*row)
        for row in qs.order_by("initiative_id", "stage__position").values_list(
            "initiative_id", "stage_id", "person_id", "signed_at"
        )
    ]


def stage_of_ideas(idea_ids: list[int]) -> dict[int, list[LifecycleStage]]:
    """The stages of the initiatives each idea belongs to (one query)."""
    return _stages_of(Initiative.ideas.through, "idea_id", idea_ids)


def _stages_of(through, column: str, ids: list[int]) -> dict[int, list[LifecycleStage]]:
    out: dict[int, list] = {}
    rows = (
        through.objects.filter(**{f"{column}__in": ids})
        .select_related("initiative__stage")
        .order_by("initiative__stage__position", "initiative__name")
    )
    for row in rows:
        stage = row.initiative.stage
        found = out.setdefault(getattr(row, column), [])
        if stage not in found:
            found.append(stage)
    return out


def initiatives_of_idea(*, workspace, idea_id: int) -> list[Initiative]:
    return list(
        Initiative.objects.filter(workspace=workspace, ideas__id=idea_id)
        .select_related("stage", "owner")
        .order_by("stage__position", "name")
    )
