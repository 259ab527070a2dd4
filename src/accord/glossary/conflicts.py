"""The automatic conflict check, deliberately simple and explainable.

Two audiences' definitions of one term are *suspected* to conflict when they share no content
word: after lower-casing, splitting into words, dropping stop words (the, a, of, ...), words
shorter than three letters and the term's own names, and reducing each word to a crude stem
(a final "s" dropped, then the first five letters, so "roles"/"role",
"customers"/"customer" and "activated"/"activation" meet). Definitions
that talk about the same things share a word ("a customer who ...", "customer accounts that ...");
"Sales Qualified Lead" and "Structured Query Language" share none.

It is a hint for a person, never a verdict: the term's owner (or an admin) marks the term
reviewed, which accepts exactly these definitions (their fingerprint); a later edit that keeps
the definitions apart raises the hint again.
"""

import hashlib
import json
import re

STOP_WORDS = frozenset(
    """a an the and or but nor of to in on at by for from with without into onto over under about
    as is are was were be been being it its this that these those there their them they we our you
    your he she his her not no than then so such which who whom whose what when where why how all any
    each every some one two more most other can could may might must shall should will would do does
    did done has have had having also only just very per via within across after before during up
    down out off again once use used using uses""".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
STEM = 5


def content_words(text: str, ignore: frozenset[str] = frozenset()) -> set[str]:
    words = (w.lower() for w in _WORD.findall(text or ""))
    return {_stem(w) for w in words if len(w) >= 3 and w not in STOP_WORDS and w not in ignore}


def _stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    return word[:STEM]


def suspected_conflicts(definitions: dict[str, str], names: list[str]) -> list[list[str]]:
    """Pairs of audiences (sorted) whose definitions share no content word."""
    ignore = frozenset(w.lower() for n in names for w in _WORD.findall(n))
    words = {
        a: content_words(t, ignore) for a, t in sorted(definitions.items()) if (t or "").strip()
    }
    audiences = list(words)
    return [
        [a, b]
        for i, a in enumerate(audiences)
        for b in audiences[i + 1 :]
        if words[a] and words[b] and not (words[a] & words[b])
    ]


def fingerprint(definitions: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(definitions or {}, sort_keys=True).encode()).hexdigest()
