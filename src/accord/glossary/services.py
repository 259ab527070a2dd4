"""Every write to the glossary: propose, edit, agree, flag, review, delete, import.

Keyword-only, one transaction each, permission checked, audit entry written, and the workspace's
term-list version bumped (marking.py rebuilds its pattern from it). A word (a term's name or a
synonym) is defined once per workspace, compared case-insensitively across names and synonyms: the
service says which field and which term, and the TermName table's unique constraint holds it when
two people save at once.
"""

import csv
import io
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accord.audit.services import record
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.csv_safety import restore_cell, safe_cell
from accord.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from accord.core.importfiles import FileUnreadable, csv_reader, decode
from accord.workspaces.models import Membership, Person
from accord.workspaces.permissions import can, require

from . import conflicts
from .marking import AUDIENCE_LABELS, AUDIENCES, fold
from .models import GlossaryState, Term, TermName, TermStatus

MAX_NAME = 120
MAX_DEFINITION = 2000
MAX_SYNONYMS = 20
MAX_RELATED = 30
MAX_IMPORT_ROWS = 5000
_BREAKS = ("\n", "\r", "\v", "\f", "\x85", "\u2028", "\u2029")
_UNSET = object()
FIELDS = ["name", "synonyms", "examples", "owner_id", "status"]


# ---------------------------------------------------------------- lookups and checks


def get_term(member: Membership, term_id: int) -> Term:
    term = Term.objects.filter(pk=term_id, workspace_id=member.workspace_id).first()
    if term is None:
        raise NotFound("No such term in this workspace.")
    return term


def _one_word(value, field: str, *, required: bool = True) -> str:
    """A name or a synonym: one line (a line break is refused, not joined), at most MAX_NAME."""
    if not isinstance(value, str):
        raise Invalid.field(field, "Give text.")
    if any(b in value.strip() for b in _BREAKS):
        raise Invalid.field(field, "A term is one line: remove the line break.")
    text = clean_text(value, field, required=required, max_length=MAX_NAME)
    if required and not any(ch.isalnum() for ch in text):
        raise Invalid.field(field, "A term needs at least one letter or digit.")
    return text


def _synonyms(values, name: str) -> list[str]:
    if values is None:
        return []
    if len(values) > MAX_SYNONYMS:
        raise Invalid.field("synonyms", f"At most {MAX_SYNONYMS} synonyms.")
    out, seen = [], {fold(name)}
    for value in values:
        text = _one_word(value, "synonyms")
        if fold(text) in seen:
            raise Invalid.field(
                "synonyms", f"“{text}” is listed twice (or is the term's own name)."
            )
        seen.add(fold(text))
        out.append(text)
    return out


def _definitions(values) -> dict[str, str]:
    if not isinstance(values, dict):
        raise Invalid.field(
            "definitions", 'Give definitions by audience, e.g. {"marketing": "...", "it": "..."}.'
        )
    out = {}
    for audience, text in values.items():
        if audience not in AUDIENCES:
            raise Invalid.field(
                "definitions", f"Unknown audience “{audience}”; use {', '.join(AUDIENCES)}."
            )
        cleaned = clean_text(
            text if isinstance(text, str) else "",
            "definitions",
            max_length=MAX_DEFINITION,
            multiline=True,
        )
        if cleaned:
            out[audience] = cleaned
    if not out:
        raise Invalid.field(
            "definitions", "Define the term for at least one audience (marketing, IT, ...)."
        )
    return out


def _person(member: Membership, person_id: int | None) -> int | None:
    if person_id is None:
        return None
    if not Person.objects.filter(pk=person_id, workspace_id=member.workspace_id).exists():
        raise Invalid.field("owner_id", "No such person in this workspace.")
    return person_id


def _related(member: Membership, ids, term: Term | None) -> list[Term]:
    ids = set(ids or [])
    if len(ids) > MAX_RELATED:
        raise Invalid.field("related_ids", f"At most {MAX_RELATED} related terms.")
    if term is not None and term.pk in ids:
        raise Invalid.field("related_ids", "A term is not related to itself.")
    terms = list(Term.objects.filter(workspace_id=member.workspace_id, pk__in=ids))
    if len(terms) != len(ids):
        raise Invalid.field("related_ids", "No such term in this workspace.")
    return terms


def _check_words(member: Membership, name: str, synonyms: list[str], term: Term | None) -> None:
    """Refuse a word another term already defines, naming the field and the other term."""
    wanted = {fold(name): ("name", name), **{fold(s): ("synonyms", s) for s in synonyms}}
    clashes = (
        TermName.objects.filter(workspace_id=member.workspace_id, key__in=list(wanted))
        .exclude(term_id=term.pk if term else None)
        .select_related("term")
    )
    for clash in clashes:
        field, word = wanted[clash.key]
        how = "a synonym of" if clash.is_synonym else "already"
        message = (
            f"“{word}” is {how} the term “{clash.term.name}”."
            if clash.is_synonym
            else f"“{word}” is already defined (the term “{clash.term.name}”)."
        )
        raise Conflict(message, [FieldError(field, message)])


def _save_words(term: Term, workspace_id: int) -> None:
    TermName.objects.filter(term=term).delete()
    rows = [TermName(workspace_id=workspace_id, term=term, key=fold(term.name), is_synonym=False)]
    rows += [
        TermName(workspace_id=workspace_id, term=term, key=fold(s), is_synonym=True)
        for s in term.synonyms
    ]
    try:
        with transaction.atomic():
            TermName.objects.bulk_create(rows)
    except IntegrityError as exc:  # someone else saved the same word a moment ago
        message = "One of these words was defined by someone else just now; reload and try again."
        raise Conflict(message, [FieldError("name", message)]) from exc


def _review_state(term: Term) -> None:
    """Recompute the automatic conflict hint and whether the term needs review."""
    term.suspected = conflicts.suspected_conflicts(term.definitions, [term.name, *term.synonyms])
    accepted = term.reviewed_fingerprint == conflicts.fingerprint(term.definitions)
    term.needs_review = term.flagged or (bool(term.suspected) and not accepted)


def touch(workspace_id: int) -> None:
    """The term list changed: a new version and stamp (every process rebuilds its pattern)."""
    stamp = uuid.uuid4().hex
    if not GlossaryState.objects.filter(workspace_id=workspace_id).update(
        version=F("version") + 1, stamp=stamp
    ):
        GlossaryState.objects.get_or_create(
            workspace_id=workspace_id, defaults={"version": 1, "stamp": stamp}
        )


def state(term: Term) -> dict:
    """What the history records of a term: its fields and one entry per audience's definition."""
    out = {
        "name": term.name, "synonyms": list(term.synonyms), "examples": term.examples,
        "owner_id": term.owner_id, "status": term.status,
        "related": sorted(t.pk for t in term.related.all()) if term.pk else [],
    }  # fmt: skip
    for audience in AUDIENCES:
        out[f"definition_{audience}"] = term.definitions.get(audience, "")
    return out


def _is_owner(member: Membership, term: Term) -> bool:
    return (
        term.owner_id is not None
        and Person.objects.filter(pk=term.owner_id, user_id=member.user_id).exists()
    )


def _require_edit(member: Membership, term: Term) -> None:
    """Editors edit any term; contributors the terms they proposed or own."""
    require(member, "glossary.propose")
    if can(member, "glossary.manage"):
        return
    if term.proposed_by_id == member.user_id or _is_owner(member, term):
        return
    raise Forbidden(
        "Contributors edit the terms they proposed or own; ask an editor or the term's owner."
    )


def _require_owner_or_admin(member: Membership, term: Term, what: str) -> None:
    require(member, "glossary.propose")
    if _is_owner(member, term) or can(member, "glossary.agree_any"):
        return
    raise Forbidden(f"Only the term's owner or an admin may {what}.")


# ---------------------------------------------------------------- terms


@transaction.atomic
def term_create(
    *,
    member: Membership,
    name: str,
    definitions: dict,
    synonyms: list[str] | None = None,
    examples: str = "",
    owner_id: int | None = None,
    related_ids: list[int] | None = None,
) -> Term:
    """Propose a term (a draft): anyone from contributors up."""
    require(member, "glossary.propose")
    name = _one_word(name, "name")
    synonyms = _synonyms(synonyms, name)
    term = Term(
        workspace_id=member.workspace_id,
        name=name,
        synonyms=synonyms,
        definitions=_definitions(definitions),
        examples=clean_text(examples, "examples", max_length=4000, multiline=True),
        owner_id=_person(member, owner_id),
        proposed_by=member.user,
        status=TermStatus.DRAFT,
    )
    related = _related(member, related_ids, None)
    _check_words(member, name, synonyms, None)
    _review_state(term)
    term.save()
    _save_words(term, member.workspace_id)
    term.related.set(related)
    touch(member.workspace_id)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=term,
        object_type="glossary term",
        after=state(term),
    )
    return term


@transaction.atomic
def term_update(
    *,
    member: Membership,
    term_id: int,
    version: int,
    name: str | None = None,
    definitions: dict | None = None,
    synonyms: list[str] | None = None,
    examples: str | None = None,
    owner_id=_UNSET,
    related_ids: list[int] | None = None,
) -> Term:
    """Only what is given changes. New words or definitions of an agreed term make it a draft
    again: what was agreed is no longer what it says."""
    term = get_term(member, term_id)
    _require_edit(member, term)
    before = state(term)
    if name is not None:
        term.name = _one_word(name, "name")
    if synonyms is not None or name is not None:
        term.synonyms = _synonyms(term.synonyms if synonyms is None else synonyms, term.name)
    if definitions is not None:
        term.definitions = _definitions(definitions)
    if examples is not None:
        term.examples = clean_text(examples, "examples", max_length=4000, multiline=True)
    if owner_id is not _UNSET:
        term.owner_id = _person(member, owner_id)
    related = _related(member, related_ids, term) if related_ids is not None else None
    _check_words(member, term.name, term.synonyms, term)
    meaning_changed = any(
        before[k] != state(term)[k]
        for k in before
        if k.startswith("definition_") or k in ("name", "synonyms")
    )
    if meaning_changed and term.status == TermStatus.AGREED:
        term.status, term.agreed_by, term.agreed_at = TermStatus.DRAFT, None, None
    _review_state(term)
    save_versioned(term, version, [
        "name", "synonyms", "definitions", "examples", "owner_id", "status", "agreed_by", "agreed_at",
        "suspected", "needs_review",
    ])  # fmt: skip
    _save_words(term, member.workspace_id)
    if related is not None:
        term.related.set(related)
    touch(member.workspace_id)
    record(workspace=member.workspace, actor=member.user, action="updated", obj=term, object_type="glossary term",
           before=before, after=state(term))  # fmt: skip
    return term


@transaction.atomic
def term_delete(*, member: Membership, term_id: int) -> None:
    require(member, "glossary.manage")
    term = get_term(member, term_id)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=term,
        object_type="glossary term",
        before=state(term),
    )
    term.delete()
    touch(member.workspace_id)


@transaction.atomic
def term_agree(*, member: Membership, term_id: int, version: int) -> Term:
    """The owner (or an admin) agrees the definitions; it also accepts the automatic hint."""
    term = get_term(member, term_id)
    _require_owner_or_admin(member, term, "agree it")
    if term.flagged:
        message = "Someone flagged these definitions as conflicting: settle that and mark it reviewed first."
        raise Conflict(message, [FieldError("flag_note", message)])
    if term.status == TermStatus.AGREED:
        raise Conflict("This term is already agreed.", [FieldError("status", "already agreed")])
    term.status, term.agreed_by, term.agreed_at = TermStatus.AGREED, member.user, timezone.now()
    term.reviewed_fingerprint = conflicts.fingerprint(term.definitions)
    _review_state(term)
    save_versioned(
        term, version, ["status", "agreed_by", "agreed_at", "reviewed_fingerprint", "needs_review"]
    )
    touch(member.workspace_id)
    record(workspace=member.workspace, actor=member.user, action="agreed", obj=term, object_type="glossary term",
           before={"status": TermStatus.DRAFT}, after={"status": TermStatus.AGREED})  # fmt: skip
    return term


@transaction.atomic
def term_flag(*, member: Membership, term_id: int, note: str) -> Term:
    """Anyone from contributors up flags conflicting definitions, saying what conflicts."""
    require(member, "glossary.propose")
    term = get_term(member, term_id)
    term.flag_note = clean_text(note, "note", required=True, max_length=1000, multiline=True)
    term.flagged_by, term.flagged_at = member.user, timezone.now()
    _review_state(term)
    term.version += 1
    term.save(update_fields=["flag_note", "flagged_by", "flagged_at", "needs_review", "version"])
    record(workspace=member.workspace, actor=member.user, action="flagged", obj=term, object_type="glossary term",
           after={"flag_note": term.flag_note})  # fmt: skip
    return term


@transaction.atomic
def term_review(*, member: Membership, term_id: int, note: str = "") -> Term:
    """The owner (or an admin) settles a flag and accepts the current definitions as reviewed."""
    term = get_term(member, term_id)
    _require_owner_or_admin(member, term, "mark it reviewed")
    if not term.needs_review:
        raise Conflict(
            "Nothing to review: no flag, no suspected conflict.",
            [FieldError("needs_review", "false")],
        )
    before = {"flag_note": term.flag_note}
    term.flag_note, term.flagged_by, term.flagged_at = "", None, None
    term.reviewed_fingerprint = conflicts.fingerprint(term.definitions)
    _review_state(term)
    term.version += 1
    term.save(
        update_fields=[
            "flag_note",
            "flagged_by",
            "flagged_at",
            "reviewed_fingerprint",
            "needs_review",
            "version",
        ]
    )
    after = {"note": clean_text(note, "note", max_length=1000, multiline=True)}
    record(workspace=member.workspace, actor=member.user, action="reviewed", obj=term, object_type="glossary term",
           before=before, after=after)  # fmt: skip
    return term


# ---------------------------------------------------------------- CSV import


CSV_COLUMNS = ["name", "synonyms", *AUDIENCES, "examples", "owner", "status", "related"]
_HEADER_ALIASES = {
    **{a: a for a in AUDIENCES},
    **{label.lower(): a for a, label in AUDIENCE_LABELS.items() if a in AUDIENCES},
    **{f"{a} definition": a for a in AUDIENCES},
    "it / engineering": "it",
    "engineering": "it",
    "term": "name",
}


def _header(cells: list[str]) -> list[str]:
    out = []
    for cell in cells:
        key = " ".join(cell.strip().lower().replace("_", " ").split())
        out.append(_HEADER_ALIASES.get(key, key))
    if "name" not in out:
        raise Invalid.field(
            "file", "The first line names the columns; one must be “name” (the term)."
        )
    return out


def _split_list(value: str) -> list[str]:
    return [v.strip() for v in value.replace("|", ";").split(";") if v.strip()]


@transaction.atomic
def terms_import(*, member: Membership, data: bytes, encoding: str = "auto") -> list[Term]:
    """A CSV file of terms (columns name, synonyms separated by ";", one column per audience,
    examples, owner by e-mail or name, related by name): all rows or none. Every row is checked
    like a term proposed by hand; an error names its line and field."""
    require(member, "glossary.manage")
    try:
        text = decode(data, encoding).text
        rows = list(csv_reader(text))
    except (FileUnreadable, csv.Error, UnicodeError) as exc:
        raise Invalid.field("file", str(exc) or "This file cannot be read as CSV.") from exc
    if not rows:
        raise Invalid.field("file", "The file is empty.")
    header, body = _header(rows[0]), [r for r in rows[1:] if any(c.strip() for c in r)]
    if len(body) > MAX_IMPORT_ROWS:
        raise Invalid.field("file", f"At most {MAX_IMPORT_ROWS} terms per file.")
    people = {}
    for p in Person.objects.filter(workspace_id=member.workspace_id).only("id", "name", "email"):
        people.setdefault(p.name.casefold(), p.pk)
        if p.email:
            people.setdefault(p.email.casefold(), p.pk)
    created, related = [], []
    for line, cells in enumerate(body, start=2):
        row = dict(zip(header, [restore_cell(c) for c in cells], strict=False))
        owner = (row.get("owner") or "").strip()
        if owner and owner.casefold() not in people:
            raise Invalid.field("owner", f"Line {line}: nobody called “{owner}” in this workspace.")
        try:
            with transaction.atomic():
                term = term_create(
                    member=member, name=row.get("name", ""), synonyms=_split_list(row.get("synonyms", "")),
                    definitions={a: row.get(a, "") for a in AUDIENCES if row.get(a, "").strip()},
                    examples=row.get("examples", ""), owner_id=people.get(owner.casefold()) if owner else None,
                )  # fmt: skip
        except (Invalid, Conflict) as exc:
            field = exc.errors[0].field if exc.errors else "file"
            raise Invalid.field(field, f"Line {line}: {exc.detail}") from exc
        created.append(term)
        related.append((line, term, _split_list(row.get("related", ""))))
    by_key = dict(
        TermName.objects.filter(workspace_id=member.workspace_id).values_list("key", "term_id")
    )
    for line, term, names in related:
        ids = []
        for n in names:
            if fold(n) not in by_key:
                raise Invalid.field("related", f"Line {line}: no term “{n}”.")
            if by_key[fold(n)] != term.pk:
                ids.append(by_key[fold(n)])
        term.related.add(*ids)
    return created


def export_rows(terms) -> list[list[str]]:
    """The CSV an import reads back (csv_safety applied by the caller)."""
    rows = [CSV_COLUMNS]
    for t in terms:
        rows.append([
            t.name, "; ".join(t.synonyms), *[t.definitions.get(a, "") for a in AUDIENCES], t.examples,
            t.owner.email or t.owner.name if t.owner else "", t.status, "; ".join(r.name for r in t.related.all()),
        ])  # fmt: skip
    return rows


def csv_text(terms) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in export_rows(terms):
        writer.writerow([safe_cell(c, reversible=True) for c in row])
    return out.getvalue()
