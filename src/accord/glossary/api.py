"""REST API of the glossary: terms (propose, edit, agree, flag, review, delete), CSV import and
export, and marking a text as Accord shows it. Thin: services write, selectors read; reads check
glossary.view. Everything lives under /workspaces/{slug}/glossary/.
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from accord.core.api_support import (
    BodyId,
    BodyInt,
    Id,
    Page,
    PageParams,
    PatchSchema,
    paginate,
    responses,
)
from accord.core.markdown import render_markdown
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import selectors, services
from .marking import AUDIENCES, Reader, compiled_for, mark_html, reader_audiences
from .models import TermStatus

router = Router(auth=API_AUTH, tags=["glossary"])

WS = "/workspaces/{slug}/glossary"
Audience = Literal["product", "marketing", "it", "sales", "support", "design", "analytics"]
assert set(Audience.__args__) == set(AUDIENCES)


def _viewer(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "glossary.view")
    return member


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class Definitions(Schema):
    """What the term means for each audience (a department); leave out the ones it does not concern."""

    model_config = {"extra": "forbid"}

    product: str = Field("", max_length=2000)
    marketing: str = Field("", max_length=2000)
    it: str = Field("", max_length=2000, description="IT / engineering.")
    sales: str = Field("", max_length=2000)
    support: str = Field("", max_length=2000)
    design: str = Field("", max_length=2000)
    analytics: str = Field("", max_length=2000)


class TermOut(Schema):
    id: int
    name: str
    synonyms: list[str]
    definitions: dict[str, str] = Field(
        description="Audience -> definition (only the audiences defined)."
    )
    examples: str
    owner: Ref | None
    related: list[Ref]
    status: TermStatus
    needs_review: bool = Field(
        description="Flagged by a person, or suspected (and not reviewed since)."
    )
    flag_note: str = Field(description="Why a person flagged it; empty when not flagged.")
    suspected: list[list[str]] = Field(
        description="Pairs of audiences whose definitions share no content word."
    )
    proposed_by: str | None
    agreed_by: str | None
    agreed_at: datetime | None
    version: int


class TermIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "name": "Activation",
                    "synonyms": ["Activated account"],
                    "definitions": {
                        "marketing": "A sign-up who reached the first moment of value (a first report shared).",
                        "it": "An account whose first report job ran and was shared: the activated_at timestamp.",
                    },
                }
            ]
        }
    }

    name: str = Field(min_length=1, max_length=120)
    definitions: Definitions
    synonyms: list[str] = Field(default_factory=list, max_length=20)
    examples: str = Field("", max_length=4000)
    owner_id: BodyId | None = Field(None, description="A person of the workspace.")
    related_ids: list[BodyId] = Field(default_factory=list, max_length=30)


class TermPatch(PatchSchema):
    version: BodyInt
    name: str = Field(None, max_length=120)
    definitions: Definitions = Field(None, description="Replaces all definitions.")
    synonyms: list[str] = Field(None, max_length=20)
    examples: str = Field(None, max_length=4000)
    owner_id: BodyId | None = Field(None, description="null: nobody owns it.")
    related_ids: list[BodyId] = Field(None, max_length=30)


class VersionIn(Schema):
    version: BodyInt


class FlagIn(Schema):
    note: str = Field(min_length=1, max_length=1000, description="What conflicts, for the owner.")


class TermReviewIn(Schema):
    note: str = Field("", max_length=1000, description="How it was settled.")


class TermFilter(Schema):
    q: str | None = Field(None, max_length=120, description="Part of a name or synonym.")
    status: TermStatus | None = None
    needs_review: bool | None = None
    audience: Audience | None = Field(None, description="Terms defined for this audience.")


class GlossaryImportIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "csv": "name,synonyms,marketing,it\nNet revenue retention,NRR,Revenue kept from last year's customers,Sum of the billing system's renewals / last year's revenue\n"
                }
            ]
        }
    }

    csv: str = Field(
        min_length=1,
        max_length=2_000_000,
        description="The file's text: columns name, synonyms (; separated), one per audience, examples, owner, related.",
    )


class GlossaryImportOut(Schema):
    created: int
    ids: list[int]


class MarkParams(Schema):
    text: str = Field(
        max_length=4000, description="Markdown, as texts hold it (up to 4,000 characters; a GET)."
    )
    audience: Audience | None = Field(
        None, description="Whose definitions; default: the caller's departments."
    )


class MarkOut(Schema):
    html: str = Field(description="Sanitized HTML with the first occurrence of each term marked.")
    terms: list[Ref]


# ---------------------------------------------------------------- serializers


def _out(t) -> dict:
    return {
        "id": t.pk, "name": t.name, "synonyms": t.synonyms, "definitions": t.definitions, "examples": t.examples,
        "owner": {"id": t.owner.pk, "name": t.owner.name} if t.owner_id else None,
        "related": [{"id": r.pk, "name": r.name} for r in t.related.all()],
        "status": t.status, "needs_review": t.needs_review, "flag_note": t.flag_note, "suspected": t.suspected,
        "proposed_by": t.proposed_by.email if t.proposed_by_id else None,
        "agreed_by": t.agreed_by.email if t.agreed_by_id else None, "agreed_at": t.agreed_at, "version": t.version,
    }  # fmt: skip


def _detail(member, term_id: int) -> dict:
    term = selectors.term(workspace=member.workspace, term_id=term_id)
    if term is None:
        services.get_term(member, term_id)  # raises NotFound
    return _out(term)


def _definitions(d: Definitions) -> dict:
    return {k: v for k, v in d.dict().items() if v}


# ---------------------------------------------------------------- terms


@router.get(
    f"{WS}/terms", response=responses(200, Page[TermOut]), summary="List glossary terms A-Z"
)
def list_terms(
    request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[TermFilter]
):
    member = _viewer(request, slug)
    qs = selectors.terms(workspace=member.workspace, **filters.dict()).select_related(
        "proposed_by", "agreed_by"
    )
    return paginate(qs, page, _out)


@router.post(
    f"{WS}/terms",
    response=responses(201, TermOut),
    summary="Propose a term (a draft until its owner agrees)",
)
def create_term(request: HttpRequest, slug: str, data: TermIn):
    member = member_for(request, slug)
    fields = data.dict()
    fields["definitions"] = _definitions(data.definitions)
    term = services.term_create(member=member, **fields)
    return Status(201, _detail(member, term.pk))


@router.get(f"{WS}/terms/{{term_id}}", response=responses(200, TermOut), summary="Get a term")
def get_term(request: HttpRequest, slug: str, term_id: Id):
    return _detail(_viewer(request, slug), term_id)


@router.patch(
    f"{WS}/terms/{{term_id}}",
    response=responses(200, TermOut),
    summary="Change a term (new meaning: a draft again)",
)
def update_term(request: HttpRequest, slug: str, term_id: Id, data: TermPatch):
    member = member_for(request, slug)
    fields = data.dict(exclude_unset=True)
    if "definitions" in fields:
        fields["definitions"] = _definitions(data.definitions)
    services.term_update(member=member, term_id=term_id, **fields)
    return _detail(member, term_id)


@router.delete(f"{WS}/terms/{{term_id}}", response=responses(204), summary="Delete a term")
def delete_term(request: HttpRequest, slug: str, term_id: Id):
    services.term_delete(member=member_for(request, slug), term_id=term_id)
    return Status(204, None)


@router.post(
    f"{WS}/terms/{{term_id}}/agree",
    response=responses(200, TermOut),
    summary="Agree a term (its owner or an admin)",
)
def agree_term(request: HttpRequest, slug: str, term_id: Id, data: VersionIn):
    member = member_for(request, slug)
    services.term_agree(member=member, term_id=term_id, version=data.version)
    return _detail(member, term_id)


@router.post(
    f"{WS}/terms/{{term_id}}/flag",
    response=responses(200, TermOut),
    summary="Flag conflicting definitions for review",
)
def flag_term(request: HttpRequest, slug: str, term_id: Id, data: FlagIn):
    member = member_for(request, slug)
    services.term_flag(member=member, term_id=term_id, note=data.note)
    return _detail(member, term_id)


@router.post(
    f"{WS}/terms/{{term_id}}/review",
    response=responses(200, TermOut),
    summary="Settle a review (its owner or an admin)",
)
def review_term(request: HttpRequest, slug: str, term_id: Id, data: TermReviewIn):
    member = member_for(request, slug)
    services.term_review(member=member, term_id=term_id, note=data.note)
    return _detail(member, term_id)


# ---------------------------------------------------------------- files and marking


@router.post(
    f"{WS}/import",
    response=responses(201, GlossaryImportOut),
    summary="Import terms from CSV text (all rows or none)",
)
def import_terms(request: HttpRequest, slug: str, data: GlossaryImportIn):
    created = services.terms_import(
        member=member_for(request, slug), data=data.csv.encode("utf-8"), encoding="utf-8"
    )
    return Status(201, {"created": len(created), "ids": [t.pk for t in created]})


@router.get(
    f"{WS}/export",
    response=responses(200),
    summary="Export every term as CSV (the import reads it back)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file.",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_terms(request: HttpRequest, slug: str) -> HttpResponse:
    member = _viewer(request, slug)
    response = HttpResponse(
        services.csv_text(selectors.terms(workspace=member.workspace)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="glossary-{member.workspace.slug}.csv"'
    return response


@router.get(
    f"{WS}/mark",
    response=responses(200, MarkOut),
    summary="Render a text with its glossary terms marked, as Accord shows it",
)
def mark_text(request: HttpRequest, slug: str, params: Query[MarkParams]):
    member = _viewer(request, slug)
    compiled = compiled_for(member.workspace_id)
    audiences = {params.audience} if params.audience else reader_audiences(member)
    reader = Reader(compiled, audiences)
    html = mark_html(render_markdown(params.text), reader)
    found = sorted(reader.tips, key=lambda i: compiled.entries[i].name.casefold())
    return {"html": html, "terms": [{"id": i, "name": compiled.entries[i].name} for i in found]}
