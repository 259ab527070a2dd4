"""Reads of the glossary, each in a constant number of queries."""

from django.db.models import Prefetch, QuerySet

from accord.workspaces.models import Person

from .marking import fold
from .models import Term, TermName, TermStatus


def terms(
    *,
    workspace,
    q: str | None = None,
    status: str | None = None,
    needs_review: bool | None = None,
    audience: str | None = None,
    owner_id: int | None = None,
) -> QuerySet:
    """Terms A-Z with their owner and related terms (3 queries however many)."""
    qs = (
        Term.objects.filter(workspace=workspace)
        .select_related("owner")
        .prefetch_related(
            Prefetch("related", queryset=Term.objects.only("id", "name").order_by("name"))
        )
    )
    if q and q.strip():
        ids = TermName.objects.filter(workspace=workspace, key__contains=fold(q)).values("term_id")
        qs = qs.filter(pk__in=ids)
    if status:
        qs = qs.filter(status=status)
    if needs_review is not None:
        qs = qs.filter(needs_review=needs_review)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if audience:
        qs = qs.filter(definitions__has_key=audience)
    return qs.order_by("name", "id")


def term(*, workspace, term_id: int) -> Term | None:
    return (
        terms(workspace=workspace)
        .select_related("proposed_by", "agreed_by", "flagged_by")
        .filter(pk=term_id)
        .first()
    )


def counts(*, workspace) -> dict:
    qs = Term.objects.filter(workspace=workspace)
    return {
        "all": qs.count(),
        "agreed": qs.filter(status=TermStatus.AGREED).count(),
        "draft": qs.filter(status=TermStatus.DRAFT).count(),
        "review": qs.filter(needs_review=True).count(),
    }


def people(*, workspace) -> list:
    return list(
        Person.objects.filter(workspace=workspace).order_by("name").only("id", "name", "user_id")
    )
