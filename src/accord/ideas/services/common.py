"""Lookups and input cleaning shared by the ideas services."""

from accord.core.errors import Invalid, NotFound
from accord.ideas.models import Idea, ScoringModel, Tag
from accord.workspaces.models import Membership, Team


def get_idea(member: Membership, idea_id: int, *, for_update: bool = False) -> Idea:
    qs = Idea.objects.select_for_update() if for_update else Idea.objects
    try:
        return qs.get(pk=idea_id, workspace_id=member.workspace_id)
    except Idea.DoesNotExist as exc:
        raise NotFound("No such idea in this workspace.") from exc


def get_model(member: Membership, model_id: int) -> ScoringModel:
    try:
        return ScoringModel.objects.get(pk=model_id, workspace_id=member.workspace_id)
    except ScoringModel.DoesNotExist as exc:
        raise NotFound("No such scoring model in this workspace.") from exc


def department_of(member: Membership, team_id: int | None) -> Team | None:
    if not team_id:
        return None
    team = Team.objects.filter(pk=team_id, workspace_id=member.workspace_id).first()
    if team is None:
        raise Invalid.field("department_id", "No such team in this workspace.")
    return team


def tags_named(member: Membership, names: list[str] | None) -> list[Tag]:
    """Find or create the workspace's tags by name (case-insensitive, trimmed)."""
    wanted: dict[str, str] = {}
    for name in names or []:
        clean = " ".join(str(name).split())[:60]
        if clean:
            wanted.setdefault(clean.lower(), clean)
    if len(wanted) > 30:
        raise Invalid.field("tags", "At most 30 tags.")
    existing = {t.name.lower(): t for t in Tag.objects.filter(workspace_id=member.workspace_id)}
    tags = []
    for lower, name in wanted.items():
        tag = existing.get(lower) or Tag.objects.create(workspace_id=member.workspace_id, name=name)
        tags.append(tag)
    return tags
