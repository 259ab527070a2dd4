"""The figures `accord bench` knows, each produced by a measurement run that may yield several.

A figure module registers one function per setup it needs:

    @measures(api_list_rps="req/s", api_list_p50_ms="ms", api_list_p99_ms="ms")
    def api_list(ctx: BenchContext) -> Measured:
        ...  # seed, serve, load
        return Measured(size="1000 people ...", values={"api_list_rps": 312.4, ...})

The function runs once when any of its figures is asked for. To add figures, write a module with
such functions and list it in FIGURE_MODULES.
"""

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

FIGURE_MODULES = [
    "accord.bench.api_list",
    "accord.bench.ideas",
    "accord.bench.roadmaps",
    "accord.bench.goals",
    "accord.bench.feedback",
    "accord.bench.portal",
    "accord.bench.home",
    "accord.bench.glossary",
    "accord.bench.roles",
    "accord.bench.capacity",
    "accord.bench.initiatives",
    "accord.bench.launches",
    "accord.bench.changes",
    "accord.bench.webhooks",
    "accord.bench.load",
]
UNITS = {"ms", "req/s", "s", "items/s", "MAP", "P@3", "%", "count", "MB"}


@dataclass(frozen=True)
class Measured:
    """What one run measured: a value per figure name, and the data it ran on."""

    values: dict[str, float]
    size: str


@dataclass(frozen=True)
class Run:
    name: str
    fn: Callable[[Any], Measured]
    units: dict[str, str] = field(hash=False)


FIGURES: dict[str, Run] = {}  # figure name -> the run that measures it, in registration order


class UnknownFigure(LookupError):
    def __init__(self, unknown: list[str]):
        self.unknown = unknown
        super().__init__(
            f"Unknown figure(s): {', '.join(unknown)}. Known figures: {', '.join(known())}."
        )


def measures(**units: str):
    """Register `fn(ctx) -> Measured` as the run yielding these figures (name=unit)."""
    for name, unit in units.items():
        if unit not in UNITS:
            raise ValueError(f"Figure {name}: unit {unit!r} is not one of {sorted(UNITS)}.")

    def register(fn: Callable[[Any], Measured]) -> Callable[[Any], Measured]:
        run = Run(name=f"{fn.__module__}.{fn.__qualname__}", fn=fn, units=dict(units))
        for name in units:
            other = FIGURES.get(name)
            if other is not None and other.name != run.name:
                raise ValueError(f"Figure {name} is already measured by {other.name}.")
            FIGURES[name] = run
        return fn

    return register


def load() -> None:
    for module in FIGURE_MODULES:
        importlib.import_module(module)


def known() -> list[str]:
    load()
    return list(FIGURES)


def select(only: Iterable[str] | None) -> list[str]:
    """The figure names to measure, in registration order; every known one when `only` is empty."""
    names = known()
    if not only:
        return names
    wanted = list(dict.fromkeys(only))
    unknown = [n for n in wanted if n not in FIGURES]
    if unknown:
        raise UnknownFigure(unknown)
    return [n for n in names if n in wanted]


def measure(
    names: list[str], ctx, log: Callable[[str], None] = lambda _msg: None
) -> dict[str, dict]:
    """Run each needed measurement once; {name: {"value", "unit", "size"}} for the names asked."""
    runs: dict[str, Run] = {}
    for name in names:
        runs.setdefault(FIGURES[name].name, FIGURES[name])
    figures: dict[str, dict] = {}
    for run in runs.values():
        log(f"bench: {run.name}")
        measured = run.fn(ctx)
        missing = [n for n in run.units if n not in measured.values]
        if missing:
            raise RuntimeError(f"{run.name} did not measure {', '.join(missing)}.")
        for name, unit in run.units.items():
            if name in names:
                figures[name] = {
                    "value": round(float(measured.values[name]), 2),
                    "unit": unit,
                    "size": measured.size,
                }
    return {name: figures[name] for name in names}
