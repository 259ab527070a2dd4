"""Figures for the glossary (issue 14): marking terms in context.

- glossary_mark_p50_ms: mark a 5,000-word Markdown text (50 paragraphs, about one word in twenty a
  term or a synonym, in any case, some plural) against 2,000 terms (single words and two- and
  three-word names, each with a synonym for one in four) for a reader in marketing: the p50 of
  RUNS runs of accord.glossary.marking.mark_html over the text's sanitized HTML, each with a fresh
  reader (its tooltips rendered again). The compiled pattern is built once per term-list version
  and cached; its build time is logged and given in the size, not in the figure. In-process, no
  database: the figure is the cost a page pays per text.

  Timed as the process's CPU time (time.process_time): the work is single-threaded and does no
  I/O, so on an idle machine it equals the wall time; on a shared machine the wall time mostly
  measures the neighbours (both are logged; the wall-clock p50 is also in the size).
"""

import random
import statistics
import time

from .registry import Measured, measures

TERMS = 2000
WORDS = 5000
RUNS = 30
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def corpus(terms: int, words: int, seed: int = 14) -> tuple[list[tuple], str]:
    """(rows for compile_terms, Markdown text): deterministic."""
    rnd = random.Random(seed)

    def word() -> str:
        return "".join(rnd.choice(_LETTERS) for _ in range(rnd.randint(3, 11)))

    names: set[str] = set()
    while len(names) < terms * 5 // 4:
        names.add(" ".join(word() for _ in range(rnd.choice((1, 1, 1, 2, 2, 3)))))
    names_list = sorted(names)
    rnd.shuffle(names_list)
    main, extra = names_list[:terms], names_list[terms:]
    rows = []
    for i, name in enumerate(main, start=1):
        synonyms = [extra[i // 4]] if i % 4 == 0 and i // 4 < len(extra) else []
        definitions = {
            "marketing": f"What {name} means for marketing.",
            "it": f"What {name} means for IT.",
        }
        rows.append((i, name.capitalize(), synonyms, "agreed", definitions))
    vocabulary = [word() for _ in range(4000)]
    out, paragraphs = [], []
    for n in range(words):
        if rnd.random() < 0.05:
            term = rnd.choice(main)
            out.append(rnd.choice((term, term.upper(), term.capitalize(), term + "s")))
        else:
            out.append(rnd.choice(vocabulary))
        if (n + 1) % (words // 50 or 1) == 0:
            paragraphs.append(" ".join(out))
            out = []
    if out:
        paragraphs.append(" ".join(out))
    return rows, "\n\n".join(paragraphs)


def run(terms: int, words: int, runs: int = RUNS) -> dict:
    from accord.core.markdown import render_markdown
    from accord.glossary.marking import Reader, compile_terms, mark_html

    rows, text = corpus(terms, words)
    started = time.process_time()
    compiled = compile_terms(rows)
    build_ms = (time.process_time() - started) * 1000
    html = render_markdown(text)
    times, walls, marked = [], [], 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        out = mark_html(html, Reader(compiled, {"marketing"}))
        times.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
        marked = out.count('class="term-ref"')
    return {
        "p50_ms": statistics.median(times), "wall_p50_ms": statistics.median(walls), "build_ms": build_ms, "marked": marked,
        "words": len(text.split()), "terms": len(rows),
    }  # fmt: skip


@measures(glossary_mark_p50_ms="ms")
def mark(ctx) -> Measured:
    result = run(ctx.scaled(TERMS, 20), ctx.scaled(WORDS, 100))
    if not result["marked"]:
        raise RuntimeError("bench: no term was marked; the figure would measure nothing")
    ctx.log(
        f"bench: glossary pattern for {result['terms']} terms built in {result['build_ms']:.0f} ms CPU (once per "
        f"version); marking p50 {result['p50_ms']:.1f} ms CPU, {result['wall_p50_ms']:.1f} ms wall clock"
    )
    size = (
        f"{result['words']:,}-word text, {result['terms']:,} terms ({result['marked']} distinct terms marked, "
        f"first occurrence each), reader in marketing; p50 CPU time of {RUNS} runs, in-process "
        f"(wall clock p50 {result['wall_p50_ms']:.1f} ms on this machine); the cached "
        f"pattern took {result['build_ms']:.0f} ms CPU to build, once per term-list version"
    )
    return Measured(values={"glossary_mark_p50_ms": round(result["p50_ms"], 2)}, size=size)
