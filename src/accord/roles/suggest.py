"""Who should take an empty RACI cell: people ranked by how their skills and interests match the
activity (its required skills and the words of its name), less their current load. Pure: no
queries (the selectors load the people and their load once)."""

import re
from dataclasses import dataclass

from .checks import PersonRow

STOPWORDS = {
    "a", "an", "and", "the", "of", "for", "to", "in", "on", "with", "by", "at", "from", "into", "our",
    "new", "first", "plan", "run", "set", "up", "do", "make", "get", "all", "per", "its", "it's", "v1", "v2",
}  # fmt: skip
SKILL = 3.0  # a required skill the person has (whole phrase)
SKILL_WORD = 1.0  # a word of the activity found in the person's skills
INTEREST_WORD = 0.75  # ... in their interests
LOAD = 0.1  # per R/A cell they already hold across active initiatives
OVERLOAD = 2.0  # extra penalty once over the workspace's threshold


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "s", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def words(text: str) -> set[str]:
    return {
        _stem(w)
        for w in re.findall(r"[a-z0-9+#]+", text.lower())
        if w not in STOPWORDS and len(w) > 1
    }


def phrase(text: str) -> str:
    return " ".join(sorted(words(text)))


@dataclass(frozen=True)
class Suggestion:
    person_id: int
    name: str
    score: float
    reasons: tuple[str, ...]
    load: int

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    def as_dict(self) -> dict:
        return {"person_id": self.person_id, "name": self.name, "score": round(self.score, 2),
                "reason": self.reason, "load": self.load}  # fmt: skip


def rank(
    *,
    name: str,
    skills: list[str] | tuple[str, ...],
    people: list[PersonRow],
    load: dict[int, int] | None = None,
    threshold: int = 12,
    exclude: set[int] | frozenset[int] = frozenset(),
    limit: int = 5,
) -> list[Suggestion]:
    """The best `limit` people for an activity, each with why; people with no match are left out."""
    load = load or {}
    wanted = {phrase(s): s for s in skills if phrase(s)}
    activity_words = words(name)
    for s in skills:
        activity_words |= words(s)
    out = []
    for p in people:
        if p.id in exclude:
            continue
        person_skills = {phrase(s): s for s in p.skills if phrase(s)}
        skill_words = set().union(*(words(s) for s in p.skills)) if p.skills else set()
        interest_words = set().union(*(words(s) for s in p.interests)) if p.interests else set()
        score, reasons = 0.0, []
        exact = [wanted[k] for k in wanted if k in person_skills]
        if exact:
            score += SKILL * len(exact)
            reasons.append("has " + ", ".join(exact))
        matched = [
            w for w in sorted(activity_words & skill_words) if not any(w in words(e) for e in exact)
        ]
        if matched:
            score += SKILL_WORD * len(matched)
            reasons.append("skills in " + ", ".join(matched))
        liked = sorted(activity_words & interest_words)
        if liked:
            score += INTEREST_WORD * len(liked)
            reasons.append("interested in " + ", ".join(liked))
        if score <= 0:
            continue
        held = load.get(p.id, 0)
        score -= LOAD * held
        if held > threshold:
            score -= OVERLOAD
            reasons.append(f"over their load ({held} R/A)")
        else:
            reasons.append(f"{held} R/A now")
        out.append(Suggestion(p.id, p.name, score, tuple(reasons), held))
    out.sort(key=lambda s: (-s.score, s.load, s.name))
    return out[:limit]
