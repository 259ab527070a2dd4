"""A Trello board's JSON export (Board menu → Print, export and share → Export as JSON).

Cards become records keyed by their card id; the card's list becomes its lane (roadmap items) or its
status (ideas; or items when asked: lists_as="statuses"); labels become tags (a label without a name
is called by its colour); checklists are kept as a Markdown task list at the end of the description
(Accord has no checklist model). Archived cards, and cards of archived lists, are skipped unless
include_archived. A card's due date ends its bar, its start date starts it.
"""

from accord.core.tabular import file_failed

from ..engine import Plan, Record
from .common import MAX_RECORDS, day_of, iso_moment, load_json, title_of


def parse(data: bytes, filename: str, options) -> Plan:
    board = load_json(data, "the Trello board")
    if (
        not isinstance(board, dict)
        or not isinstance(board.get("cards"), list)
        or not isinstance(board.get("lists"), list)
    ):
        raise file_failed(
            'This is not a Trello board export: it has no "cards" and "lists" (export the board as JSON).'
        )
    cards = board["cards"]
    if len(cards) > MAX_RECORDS:
        raise file_failed(f"The board has more than {MAX_RECORDS:,} cards.")
    lists_as = options.lists_as or ("lanes" if options.target == "item" else "statuses")
    lists = {str(li.get("id")): li for li in board["lists"] if isinstance(li, dict)}
    checklists: dict[str, list[dict]] = {}
    for checklist in board.get("checklists") or []:
        if isinstance(checklist, dict):
            checklists.setdefault(str(checklist.get("idCard")), []).append(checklist)
    plan = Plan(
        source="trello",
        name=title_of(board.get("name"), "Trello board"),
        key=str(board.get("id") or board.get("shortLink") or "board"),
        records=[],
    )
    for n, card in enumerate(cards, start=1):
        if not isinstance(card, dict):
            plan.records.append(
                Record(key=f"card {n}", row=n, title="", errors=[("cards", "Not a card object.")])
            )
            continue
        the_list = lists.get(str(card.get("idList")), {})
        list_name = title_of(the_list.get("name"))[:120]
        record = Record(
            key=str(card.get("id") or ""),
            row=n,
            title=title_of(card.get("name")),
            description=_description(card, checklists.get(str(card.get("id")), [])),
            status=list_name if lists_as == "statuses" else "",
            lane=list_name if lists_as == "lanes" and options.target == "item" else "",
            tags=_labels(card),
        )
        if lists_as == "lanes" and options.target != "item" and list_name:
            record.tags.append(f"List: {list_name}"[:60])  # ideas have no lanes: the list as a tag
        if card.get("closed") and not options.include_archived:
            record.skip = "An archived card (tick “include archived” to import it)."
        elif the_list.get("closed") and not options.include_archived:
            record.skip = (
                f"Its list “{list_name}” is archived (tick “include archived” to import it)."
            )
        for name, attr in (("due", "end_date"), ("start", "start_date")):
            try:
                setattr(record, attr, day_of(iso_moment(card.get(name))))
            except (ValueError, TypeError) as exc:
                record.errors.append((name, str(exc)))
        if not record.key:
            record.errors.append(("id", "The card has no id."))
        if not record.title:
            record.errors.insert(0, ("name", "The card has no name."))
        plan.records.append(record)
    plan.notes = [
        "Lists become "
        + (
            "statuses (see the status mapping)."
            if lists_as == "statuses"
            else "lanes of the roadmap."
            if options.target == "item"
            else "tags “List: …” (ideas have no lanes)."
        ),
        "Cards become "
        + ("roadmap items" if options.target == "item" else "ideas")
        + ", keyed by their card id: a re-run updates them.",
        "Labels become tags; checklists are kept as task lists at the end of the description.",
        "Archived cards are " + ("imported too." if options.include_archived else "skipped."),
    ]
    return plan


def _labels(card: dict) -> list[str]:
    names = []
    for label in card.get("labels") or []:
        if isinstance(label, dict):
            name = title_of(label.get("name")) or title_of(label.get("color"))
            if name:
                names.append(name[:60])
    return names


def _description(card: dict, checklists: list[dict]) -> str:
    parts = [str(card.get("desc") or "").replace("\r\n", "\n").strip()]
    for checklist in sorted(checklists, key=lambda c: c.get("pos") or 0):
        items = [i for i in checklist.get("checkItems") or [] if isinstance(i, dict)]
        lines = [f"### {title_of(checklist.get('name'), 'Checklist')}"]
        for item in sorted(items, key=lambda i: i.get("pos") or 0):
            mark = "x" if item.get("state") == "complete" else " "
            lines.append(f"- [{mark}] {title_of(item.get('name'))}")
        parts.append("\n".join(lines))
    return "\n\n".join(p for p in parts if p)[:20000]
