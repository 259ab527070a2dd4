"""Scoring engine for idea prioritisation.

Pure Python on purpose: no Django imports, so models, services, the API and
the tests can all call it without a database, and a score is a function of
one idea's values and its model's criteria only (never of other ideas).

Custom formulas are parsed by a small tokenizer + recursive-descent parser
and compiled to nested closures. User text is never handed to eval, exec or
compile: the only things a formula can do are the operators and functions
listed in ``FUNCTIONS``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any, NoReturn

__all__ = [
    "FUNCTIONS",
    "KANO_ANSWERS",
    "KANO_CATEGORIES",
    "KANO_LABELS",
    "KANO_TABLE",
    "KINDS",
    "MAX_FORMULA_DEPTH",
    "MAX_FORMULA_LENGTH",
    "MOSCOW_LABELS",
    "PRESETS",
    "QUADRANTS",
    "ROLES",
    "CriterionSpec",
    "Formula",
    "FormulaError",
    "Preset",
    "ScoreResult",
    "ScoreUndefined",
    "WeightChange",
    "compile_formula",
    "format_number",
    "kano_classify",
    "kano_coefficients",
    "kano_summary",
    "score",
    "validate_specs",
    "validate_value",
    "value_effort_quadrant",
    "weight_swap",
    "weighted_contributions",
    "weighted_score",
]


# --------------------------------------------------------------------------- errors


class ScoreUndefined(Exception):
    """An idea's score cannot be computed; ``reason`` is a readable sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FormulaError(ValueError):
    """A formula that cannot be saved.

    ``position`` is the 0-based character offset of the offending token so the
    UI can underline it; ``message`` is the full sentence (same as ``str()``).
    """

    def __init__(self, problem: str, position: int, token: str, detail: str | None = None):
        message = f"{problem} at position {position}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)
        self.message = message
        self.position = position
        self.token = token


# --------------------------------------------------------------------------- criteria

ROLES = ("benefit", "cost", "input")
_KEY_RE = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class CriterionSpec:
    key: str  # identifier: [a-z_][a-z0-9_]*, used in formulas
    name: str
    role: str  # "benefit" | "cost" | "input"
    weight: float = 1.0
    scale_min: float = 1
    scale_max: float = 5
    allowed: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        # Callers often hand over lists (JSON fields); a tuple keeps the spec hashable.
        if self.allowed is not None and not isinstance(self.allowed, tuple):
            object.__setattr__(self, "allowed", tuple(self.allowed))


def format_number(x: float) -> str:
    """Short human form: 400.0 -> "400", 1/3 -> "0.333333", 1e9 -> "1000000000"."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        x = float(x)
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.6g}"
    if "e" not in text:
        return text
    if abs(x) >= 1:
        # Large non-integers: plain digits read better than scientific notation.
        return f"{x:.2f}".rstrip("0").rstrip(".")
    return text  # tiny numbers keep scientific notation rather than showing "0"


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def validate_value(spec: CriterionSpec, value: float) -> None:
    """Raise ValueError naming the criterion and its scale if ``value`` is not allowed."""
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{spec.name} must be a number (got {value!r})") from None
    if not math.isfinite(x):
        raise ValueError(f"{spec.name} must be a finite number (got {value!r})")
    if spec.allowed is not None:
        if not any(_same(x, a) for a in spec.allowed):
            options = ", ".join(format_number(a) for a in spec.allowed)
            raise ValueError(f"{spec.name} must be one of {options} (got {format_number(x)})")
        return
    if x < spec.scale_min or x > spec.scale_max:
        raise ValueError(
            f"{spec.name} must be between {format_number(spec.scale_min)} and "
            f"{format_number(spec.scale_max)} (got {format_number(x)})"
        )


def validate_specs(specs: Iterable[CriterionSpec]) -> None:
    """Raise ValueError if a model's criteria are inconsistent (for the model form)."""
    seen: set[str] = set()
    for spec in specs:
        if not isinstance(spec.key, str) or not _KEY_RE.fullmatch(spec.key):
            raise ValueError(
                f"Criterion key {spec.key!r} must start with a lower-case letter or '_' "
                "and contain only a-z, 0-9 and '_'"
            )
        if spec.key in seen:
            raise ValueError(f"Criterion key {spec.key!r} is used twice")
        seen.add(spec.key)
        if spec.role not in ROLES:
            raise ValueError(f"{spec.name}: role must be one of {', '.join(ROLES)}")
        nums = (spec.weight, spec.scale_min, spec.scale_max)
        if not all(isinstance(n, int | float) and math.isfinite(n) for n in nums):
            raise ValueError(f"{spec.name}: weight and scale must be finite numbers")
        if spec.weight < 0:
            raise ValueError(f"{spec.name}: weight must not be negative")
        if spec.scale_min >= spec.scale_max:
            raise ValueError(f"{spec.name}: scale minimum must be below the maximum")
        if spec.role in ("benefit", "cost") and spec.scale_max <= 0:
            # Weighted scoring divides by scale_max.
            raise ValueError(f"{spec.name}: a weighted criterion needs a positive scale maximum")
        if spec.allowed is not None:
            if not spec.allowed:
                raise ValueError(f"{spec.name}: the list of allowed values is empty")
            for a in spec.allowed:
                if not (isinstance(a, int | float) and math.isfinite(a)):
                    raise ValueError(f"{spec.name}: allowed values must be finite numbers")
                if a < spec.scale_min or a > spec.scale_max:
                    raise ValueError(
                        f"{spec.name}: allowed value {format_number(a)} is outside the scale "
                        f"{format_number(spec.scale_min)}-{format_number(spec.scale_max)}"
                    )
            if len(set(spec.allowed)) != len(spec.allowed):
                raise ValueError(f"{spec.name}: allowed values repeat")


def _value_of(spec: CriterionSpec, values: Mapping[str, Any]) -> float:
    """One validated value, or ScoreUndefined with a sentence for the UI.

    Values are re-checked at scoring time because a criterion's scale may have
    changed after the value was entered; such ideas show "needs re-scoring"
    instead of a silently wrong number.
    """
    raw = values.get(spec.key)
    if raw is None:
        raise ScoreUndefined(f"no value for {spec.name}")
    try:
        x = float(raw)
    except (TypeError, ValueError, OverflowError):
        raise ScoreUndefined(f"the value for {spec.name} is not a number") from None
    try:
        validate_value(spec, x)
    except ValueError as exc:
        raise ScoreUndefined(str(exc)) from None
    return x


# --------------------------------------------------------------------------- formula: tokens

MAX_FORMULA_LENGTH = 500
MAX_FORMULA_DEPTH = 50

_TOKEN_RE = re.compile(
    r"(?P<ws>\s+)"
    r"|(?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>[-+*/^(),])"
)
# Characters people paste from documents; say what to type instead.
_LOOKALIKES = {
    "\u00d7": "*",  # multiplication sign
    "\u00b7": "*",  # middle dot
    "\u00f7": "/",  # division sign
    "\u2212": "-",  # minus sign
    "\u2013": "-",  # en dash
    "\u00b2": "^2",  # superscript two
}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "num" | "name" | "op" | "end"
    text: str
    pos: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = f"use '{_LOOKALIKES[ch]}'" if ch in _LOOKALIKES else None
            raise FormulaError(f"Unexpected character '{ch}'", pos, ch, hint)
        kind = m.lastgroup or ""
        if kind == "num":
            # "1e", "1.2.3" or "2x": reject rather than silently splitting the token.
            end = m.end()
            if end < len(text) and (text[end].isalnum() or text[end] in "._"):
                bad = re.match(r"[\w.]+", text[pos:]).group(0)  # type: ignore[union-attr]
                raise FormulaError(
                    f"Malformed number '{bad}'",
                    pos,
                    bad,
                    "put an operator between numbers and names",
                )
        if kind != "ws":
            tokens.append(_Token("op" if kind == "op" else kind, m.group(0), pos))
        pos = m.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


# --------------------------------------------------------------------------- formula: AST


@dataclass(frozen=True, slots=True)
class _Num:
    value: float
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Var:
    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Neg:
    operand: _Node
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Chain:
    """a + b - c or a * b / c, kept flat so long sums do not nest deeply."""

    first: _Node
    rest: tuple[tuple[str, _Node], ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Pow:
    base: _Node
    exponent: _Node
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Call:
    func: str
    args: tuple[_Node, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Group:
    """Explicit parentheses, kept so explain() shows the user's own structure."""

    inner: _Node
    start: int
    end: int


_Node = _Num | _Var | _Neg | _Chain | _Pow | _Call | _Group

# name -> (min args, max args or None for "any")
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "min": (1, None),
    "max": (1, None),
    "avg": (1, None),
    "sqrt": (1, 1),
    "log": (1, 1),  # natural logarithm
    "abs": (1, 1),
    "round": (1, 2),  # round(x[, digits]), half away from zero like spreadsheets
}


def _arity_text(name: str) -> str:
    lo, hi = FUNCTIONS[name]
    if hi is None:
        return f"at least {lo} argument" + ("" if lo == 1 else "s")
    if lo == hi:
        return f"exactly {lo} argument" + ("" if lo == 1 else "s")
    return f"{lo} or {hi} arguments"


class _Parser:
    """Recursive descent; precedence low->high: + -, * /, unary -, ^ (right-assoc)."""

    def __init__(self, text: str, known: Sequence[str]) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.known = known
        self.known_set = frozenset(known)
        self.used: set[str] = set()

    # helpers
    def peek(self) -> _Token:
        return self.tokens[self.i]

    def advance(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def is_op(self, *ops: str) -> bool:
        tok = self.tokens[self.i]
        return tok.kind == "op" and tok.text in ops

    def enter(self, tok: _Token) -> None:
        # Bounding depth keeps both parsing and evaluation far from Python's recursion limit.
        self.depth += 1
        if self.depth > MAX_FORMULA_DEPTH:
            raise FormulaError(
                "Formula is nested too deeply",
                tok.pos,
                tok.text,
                f"more than {MAX_FORMULA_DEPTH} levels of parentheses, functions or powers",
            )

    def leave(self) -> None:
        self.depth -= 1

    def unexpected(self, tok: _Token, expected: str) -> FormulaError:
        if tok.kind == "end":
            return FormulaError("Unexpected end of formula", tok.pos, "", f"expected {expected}")
        what = {"num": "number", "name": "name"}.get(tok.kind)
        label = f"{what} '{tok.text}'" if what else f"'{tok.text}'"
        return FormulaError(f"Unexpected {label}", tok.pos, tok.text, f"expected {expected}")

    # grammar
    def parse(self) -> _Node:
        node = self.additive()
        tok = self.peek()
        if tok.kind != "end":
            if tok.text == ")":
                raise FormulaError("Unmatched closing parenthesis", tok.pos, ")")
            raise self.unexpected(tok, "an operator such as + - * / ^ or the end of the formula")
        return node

    def additive(self) -> _Node:
        return self.chain(self.multiplicative, ("+", "-"))

    def multiplicative(self) -> _Node:
        return self.chain(self.unary, ("*", "/"))

    def chain(self, operand: Callable[[], _Node], ops: tuple[str, ...]) -> _Node:
        first = operand()
        rest: list[tuple[str, _Node]] = []
        while self.is_op(*ops):
            op = self.advance().text
            rest.append((op, operand()))
        if not rest:
            return first
        return _Chain(first, tuple(rest), first.start, rest[-1][1].end)

    def unary(self) -> _Node:
        start = self.peek().pos
        negations = 0
        while self.is_op("-"):  # iterative so "------x" costs no recursion
            self.advance()
            negations += 1
        node = self.power()
        if negations % 2:
            node = _Neg(node, start, node.end)
        return node

    def power(self) -> _Node:
        base = self.primary()
        if not self.is_op("^"):
            return base
        caret = self.advance()
        self.enter(caret)
        exponent = self.unary()  # right-assoc, and allows 2 ^ -1
        self.leave()
        return _Pow(base, exponent, base.start, exponent.end)

    def primary(self) -> _Node:
        tok = self.peek()
        if tok.kind == "num":
            self.advance()
            value = float(tok.text)
            if not math.isfinite(value):
                raise FormulaError(f"Number '{tok.text}' is too large", tok.pos, tok.text)
            return _Num(value, tok.text, tok.pos, tok.pos + len(tok.text))
        if tok.kind == "name":
            self.advance()
            if self.is_op("("):
                return self.call(tok)
            name = tok.text
            if name in self.known_set:
                self.used.add(name)
                return _Var(name, tok.pos, tok.pos + len(name))
            if name in FUNCTIONS:
                raise FormulaError(
                    f"Function '{name}' needs parentheses", tok.pos, name, f"write {name}(...)"
                )
            known = ", ".join(self.known) if self.known else "this model has no criteria yet"
            if self.known:
                known = "known: " + known
            raise FormulaError(f"Unknown name '{name}'", tok.pos, name, known)
        if self.is_op("("):
            self.advance()
            self.enter(tok)
            inner = self.additive()
            close = self.peek()
            if close.kind == "op" and close.text == ")":
                self.advance()
                self.leave()
                return _Group(inner, tok.pos, close.pos + 1)
            if close.kind == "end":
                raise FormulaError("Unclosed parenthesis", tok.pos, "(", "add a matching ')'")
            raise self.unexpected(close, "an operator or ')'")
        raise self.unexpected(tok, "a number, a criterion name or '('")

    def call(self, name_tok: _Token) -> _Node:
        name = name_tok.text
        if name not in FUNCTIONS:
            if name in self.known_set:
                raise FormulaError(
                    f"'{name}' is a criterion, not a function",
                    name_tok.pos,
                    name,
                    f"write {name} * (...) to multiply",
                )
            raise FormulaError(
                f"Unknown function '{name}'",
                name_tok.pos,
                name,
                "known: " + ", ".join(FUNCTIONS),
            )
        lparen = self.advance()
        self.enter(lparen)
        args: list[_Node] = []
        if self.is_op(")"):
            close = self.advance()
        else:
            while True:
                args.append(self.additive())
                tok = self.peek()
                if tok.kind == "op" and tok.text == ",":
                    self.advance()
                    continue
                if tok.kind == "op" and tok.text == ")":
                    close = self.advance()
                    break
                if tok.kind == "end":
                    raise FormulaError(
                        "Unclosed parenthesis", lparen.pos, "(", "add a matching ')'"
                    )
                raise self.unexpected(tok, "',' or ')'")
        self.leave()
        lo, hi = FUNCTIONS[name]
        if len(args) < lo or (hi is not None and len(args) > hi):
            raise FormulaError(
                f"Function {name}() takes {_arity_text(name)} but got {len(args)}",
                name_tok.pos,
                name,
            )
        return _Call(name, tuple(args), name_tok.pos, close.pos + 1)


# --------------------------------------------------------------------------- formula: compile

# At evaluation time the inputs are a tuple of floats in sorted-key order:
# indexing a tuple is cheaper than a dict lookup by name.
_Env = tuple[float, ...]
_Fn = Callable[[_Env], float]
_isfinite = math.isfinite


# 15 integer digits + 15 decimals fit; the default 28-digit context would not.
_ROUND_CONTEXT = Context(prec=40)


def _round_half_away(x: float, digits: int) -> float:
    # Python's round() is banker's rounding (round(2.5) == 2); spreadsheet users expect 3.
    if abs(x) >= 1e15:
        return x  # already integral at this magnitude; Decimal quantize would overflow
    step = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(x)).quantize(step, rounding=ROUND_HALF_UP, context=_ROUND_CONTEXT))


def _compile(node: _Node, text: str, slot: Mapping[str, int]) -> _Fn:
    """Turn the AST into nested closures: no per-evaluation tree walking.

    ``slot`` maps each criterion key to its index in the input tuple.
    """
    if isinstance(node, _Num):
        value = node.value
        return lambda env: value
    if isinstance(node, _Var):
        i = slot[node.name]
        return lambda env: env[i]
    if isinstance(node, _Group):
        return _compile(node.inner, text, slot)
    if isinstance(node, _Neg):
        inner = _compile(node.operand, text, slot)
        return lambda env: -inner(env)
    if isinstance(node, _Chain):
        rest = list(node.rest)
        op, operand = rest[0]
        acc = _leaf_pair(op, node.first, operand, slot)
        if acc is None:
            acc = _binary(op, _compile(node.first, text, slot), operand, text, slot)
        for op, operand in rest[1:]:
            acc = _binary(op, acc, operand, text, slot)
        return acc
    if isinstance(node, _Pow):
        return _power(node, text, slot)
    if isinstance(node, _Call):
        return _call(node, text, slot)
    raise TypeError(f"unknown node {node!r}")  # pragma: no cover - parser only builds the above


def _leaf_pair(op: str, left: _Node, right: _Node, slot: Mapping[str, int]) -> _Fn | None:
    """`a * b`, `a + 1`...: one closure instead of three for the commonest terms."""
    if op == "/" or not isinstance(left, _Var):
        return None  # division needs its zero check; see _binary
    i = slot[left.name]
    if isinstance(right, _Var):
        j = slot[right.name]
        if op == "+":
            return lambda env: env[i] + env[j]
        if op == "-":
            return lambda env: env[i] - env[j]
        return lambda env: env[i] * env[j]
    if isinstance(right, _Num):
        c = right.value
        if op == "+":
            return lambda env: env[i] + c
        if op == "-":
            return lambda env: env[i] - c
        return lambda env: env[i] * c
    return None


def _binary(op: str, left: _Fn, right_node: _Node, text: str, slot: Mapping[str, int]) -> _Fn:
    # A variable or a number on the right is inlined: it saves a call per evaluation.
    if isinstance(right_node, _Var) and op != "/":
        k = slot[right_node.name]
        if op == "+":
            return lambda env: left(env) + env[k]
        if op == "-":
            return lambda env: left(env) - env[k]
        return lambda env: left(env) * env[k]
    if isinstance(right_node, _Num) and (op != "/" or right_node.value != 0):
        c = right_node.value
        if op == "+":
            return lambda env: left(env) + c
        if op == "-":
            return lambda env: left(env) - c
        if op == "*":
            return lambda env: left(env) * c
        return lambda env: left(env) / c
    right = _compile(right_node, text, slot)
    if op == "+":
        return lambda env: left(env) + right(env)
    if op == "-":
        return lambda env: left(env) - right(env)
    if op == "*":
        return lambda env: left(env) * right(env)
    src = text[right_node.start : right_node.end]
    reason = "division by zero" if isinstance(right_node, _Num) else f"division by zero: {src} is 0"
    if isinstance(right_node, _Var):
        k = slot[right_node.name]

        def divide_by_var(env: _Env) -> float:
            d = env[k]
            if d == 0:
                raise ScoreUndefined(reason)
            return left(env) / d

        return divide_by_var

    def divide(env: _Env) -> float:
        d = right(env)
        if d == 0:
            raise ScoreUndefined(reason)
        return left(env) / d

    return divide


def _power(node: _Pow, text: str, slot: Mapping[str, int]) -> _Fn:
    base = _compile(node.base, text, slot)
    exponent = _compile(node.exponent, text, slot)
    src = text[node.base.start : node.base.end]

    def power(env: _Env) -> float:
        b = base(env)
        e = exponent(env)
        if b < 0 and not e.is_integer():
            # Python would return a complex number here.
            raise ScoreUndefined(
                f"a negative number cannot be raised to a fractional power: "
                f"{src} is {format_number(b)}"
            )
        if b == 0 and e < 0:
            raise ScoreUndefined(f"division by zero: {src} is 0 and the power is negative")
        return b**e  # OverflowError is turned into ScoreUndefined by Formula.evaluate

    return power


def _call(node: _Call, text: str, slot: Mapping[str, int]) -> _Fn:
    args = [_compile(a, text, slot) for a in node.args]
    name = node.func
    if name in ("min", "max", "avg"):
        if len(args) == 1:
            only = args[0]
            return only
        if len(args) == 2 and name != "avg":
            a, b = args
            pick = min if name == "min" else max
            return lambda env: pick(a(env), b(env))
        if name == "min":
            return lambda env: min([f(env) for f in args])
        if name == "max":
            return lambda env: max([f(env) for f in args])
        n = float(len(args))
        return lambda env: sum([f(env) for f in args]) / n
    (x,) = args[:1]
    src = text[node.args[0].start : node.args[0].end]
    if name == "abs":
        return lambda env: abs(x(env))
    if name == "sqrt":

        def sqrt(env: _Env) -> float:
            v = x(env)
            if v < 0:
                raise ScoreUndefined(
                    f"square root of a negative number: {src} is {format_number(v)}"
                )
            return math.sqrt(v)

        return sqrt
    if name == "log":

        def log(env: _Env) -> float:
            v = x(env)
            if v <= 0:
                raise ScoreUndefined(
                    f"logarithm of a number that is not positive: {src} is {format_number(v)}"
                )
            return math.log(v)

        return log
    if name == "round":
        if len(args) == 1:
            return lambda env: _round_half_away(x(env), 0)
        digits_fn = args[1]
        digits_src = text[node.args[1].start : node.args[1].end]

        def round_(env: _Env) -> float:
            d = digits_fn(env)
            if not d.is_integer() or abs(d) > 15:
                raise ScoreUndefined(
                    "round() needs a whole number of digits between -15 and 15: "
                    f"{digits_src} is {format_number(d)}"
                )
            return _round_half_away(x(env), int(d))

        return round_
    raise TypeError(f"unknown function {name}")  # pragma: no cover - parser checks names


# --------------------------------------------------------------------------- formula: render


def _render(node: _Node, value_of: Callable[[str], str]) -> str:
    if isinstance(node, _Num):
        return node.text
    if isinstance(node, _Var):
        return value_of(node.name)
    if isinstance(node, _Group):
        return f"({_render(node.inner, value_of)})"
    if isinstance(node, _Neg):
        return f"-{_render(node.operand, value_of)}"
    if isinstance(node, _Chain):
        parts = [_render(node.first, value_of)]
        for op, operand in node.rest:
            parts.append(f"{op} {_render(operand, value_of)}")
        return " ".join(parts)
    if isinstance(node, _Pow):
        return f"{_render(node.base, value_of)} ^ {_render(node.exponent, value_of)}"
    if isinstance(node, _Call):
        return f"{node.func}({', '.join(_render(a, value_of) for a in node.args)})"
    raise TypeError(f"unknown node {node!r}")  # pragma: no cover


# --------------------------------------------------------------------------- formula: public


class Formula:
    """A compiled formula. Build with ``compile_formula``; immutable and thread-safe."""

    __slots__ = ("_ast", "_fn", "_get", "_keys", "names", "text")

    text: str
    names: frozenset[str]

    def __init__(self, text: str, ast: _Node, names: frozenset[str]) -> None:
        self.text = text
        self.names = names
        self._ast = ast
        self._keys = tuple(sorted(names))
        self._fn = _compile(ast, text, {k: i for i, k in enumerate(self._keys)})
        # itemgetter fetches all inputs in one C call; normalise its result to a tuple.
        if len(self._keys) > 1:
            self._get: Callable[[Mapping[str, Any]], tuple[Any, ...]] = itemgetter(*self._keys)
        elif self._keys:
            only = self._keys[0]
            self._get = lambda values: (values[only],)
        else:
            self._get = lambda values: ()

    def __repr__(self) -> str:
        return f"Formula({self.text!r})"

    def _bad_input(self, values: Mapping[str, Any]) -> NoReturn:
        """Slow path, only after the fast one failed: say which input is the problem."""
        for k in self._keys:
            raw = values.get(k)
            if raw is None:
                raise ScoreUndefined(f"no value for {k}")
            try:
                x = float(raw)
            except (TypeError, ValueError):
                raise ScoreUndefined(f"the value for {k} is not a number") from None
            except OverflowError:
                raise ScoreUndefined(f"the value for {k} is too large") from None
            if not _isfinite(x):
                raise ScoreUndefined(f"the value for {k} is not a finite number")
        raise ScoreUndefined("the values could not be read")  # e.g. a mapping that misbehaves

    def evaluate(self, values: Mapping[str, float]) -> float:
        # Runs once per idea on every rescore, so the happy path is kept to a few C calls.
        try:
            env = tuple(map(float, self._get(values)))
        except (KeyError, TypeError, ValueError, OverflowError):
            self._bad_input(values)
        if not all(map(_isfinite, env)):
            self._bad_input(values)
        try:
            result = self._fn(env)
        except OverflowError:
            raise ScoreUndefined("the result is too large to compute") from None
        if not _isfinite(result):
            raise ScoreUndefined("the result is not a finite number (it is too large)")
        return result

    def substitute(self, values: Mapping[str, Any]) -> str:
        """The formula with each name replaced by its value ("?" when missing)."""

        def value_of(name: str) -> str:
            raw = values.get(name)
            if raw is None:
                return "?"
            try:
                x = float(raw)
            except (TypeError, ValueError, OverflowError):
                return "?"
            text = format_number(x)
            # Parenthesise negatives so "a - b" with b = -3 reads "5 - (-3)".
            return f"({text})" if text.startswith("-") else text

        return _render(self._ast, value_of)

    @property
    def canonical(self) -> str:
        """The formula with normalised spacing, e.g. "(a + b) / c"."""
        return _render(self._ast, lambda name: name)

    def explain(self, values: Mapping[str, float]) -> str:
        """E.g. "(8 + 5 + 3) / 2 = 8", or "... = undefined (division by zero: ...)"."""
        expression = self.substitute(values)
        try:
            result = self.evaluate(values)
        except ScoreUndefined as exc:
            return f"{expression} = undefined ({exc.reason})"
        return f"{expression} = {format_number(result)}"


def compile_formula(text: str, names: Iterable[str]) -> Formula:
    """Parse and compile ``text``; ``names`` are the criterion keys it may use.

    Raises FormulaError pointing at the offending token.
    """
    if not isinstance(text, str):
        raise FormulaError("Formula must be text", 0, "")
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(
            f"Formula is longer than {MAX_FORMULA_LENGTH} characters",
            MAX_FORMULA_LENGTH,
            text[MAX_FORMULA_LENGTH],
            f"it has {len(text)}",
        )
    if not text.strip():
        raise FormulaError("Formula is empty", 0, "")
    known = list(dict.fromkeys(names))  # de-duplicate, keep the caller's order for messages
    parser = _Parser(text, known)
    ast = parser.parse()
    return Formula(text, ast, frozenset(parser.used))


@lru_cache(maxsize=256)
def _compile_cached(text: str, names: tuple[str, ...]) -> Formula:
    # Preset formulas are compiled once per distinct set of criteria, not per idea.
    return compile_formula(text, names)


# --------------------------------------------------------------------------- weighted


def _weighted_specs(specs: Sequence[CriterionSpec]) -> list[CriterionSpec]:
    # "input" criteria are data for formulas and take no part in a weighted sum.
    return [s for s in specs if s.role in ("benefit", "cost")]


def _per_weight(spec: CriterionSpec, s: float) -> float:
    if spec.scale_max <= 0:
        raise ScoreUndefined(f"{spec.name} has no positive scale maximum, so it cannot be weighted")
    if spec.role == "benefit":
        return s / spec.scale_max
    # Cost is mirrored on its scale (1..5: 1 -> 5/5, 5 -> 1/5), as ProductPlan does.
    return (spec.scale_max + spec.scale_min - s) / spec.scale_max


def weighted_contributions(
    specs: Sequence[CriterionSpec], values: Mapping[str, float]
) -> dict[str, float]:
    """Per benefit/cost criterion, its contribution per unit of weight (f_c, in (0, 1])."""
    return {s.key: _per_weight(s, _value_of(s, values)) for s in _weighted_specs(specs)}


def weighted_score(
    specs: Sequence[CriterionSpec], values: Mapping[str, float]
) -> tuple[float, dict[str, float]]:
    """ProductPlan-style weighted score: sum of weight * f_c; max = sum of weights.

    Returns (total, {key: contribution}). A missing or out-of-scale value raises
    ScoreUndefined: a partial sum would rank the idea unfairly low.
    """
    per_weight = weighted_contributions(specs, values)
    weights = {s.key: float(s.weight) for s in _weighted_specs(specs)}
    contributions = {k: weights[k] * f for k, f in per_weight.items()}
    return math.fsum(contributions.values()), contributions


def _weighted_explanation(
    specs: Sequence[CriterionSpec], values: Mapping[str, float], contributions: dict[str, float]
) -> str:
    parts = []
    for s in _weighted_specs(specs):
        v = format_number(float(values[s.key]))
        w, hi = format_number(s.weight), format_number(s.scale_max)
        c = format_number(contributions[s.key])
        if s.role == "benefit":
            parts.append(f"{s.name} {w} * {v}/{hi} = {c}")
        else:
            top = format_number(s.scale_max + s.scale_min)
            parts.append(f"{s.name} {w} * ({top} - {v})/{hi} = {c}")
    total = format_number(math.fsum(contributions.values()))
    max_total = format_number(math.fsum(s.weight for s in _weighted_specs(specs)))
    return "; ".join(parts) + f"; total {total} of {max_total}"


@dataclass(frozen=True)
class WeightChange:
    """The single weight change on one criterion that makes two ideas tie."""

    criterion: str  # criterion key
    current_weight: float
    new_weight: float
    delta: float  # new_weight - current_weight
    relative_change_percent: float | None  # delta / current weight * 100; None if weight is 0


def weight_swap(
    specs: Sequence[CriterionSpec],
    values_a: Mapping[str, float],
    values_b: Mapping[str, float],
) -> list[WeightChange]:
    """How far each weight alone must move before ideas A and B swap ranks.

    score = sum(w_c * f_c) is linear in each weight, so with diff = score_a - score_b
    the tie is at delta_c = -diff / (f_a,c - f_b,c); any change beyond it swaps
    the order. Criteria where A and B score the same, or that would need a
    negative weight, cannot swap them and are left out. Rescaling all weights
    afterwards (e.g. back to 100 %) does not change the ranks, so the answer holds
    for normalised weights too. Sorted by |delta|, smallest (most fragile) first.
    """
    f_a = weighted_contributions(specs, values_a)
    f_b = weighted_contributions(specs, values_b)
    weighted = _weighted_specs(specs)
    diff = math.fsum(s.weight * f_a[s.key] for s in weighted) - math.fsum(
        s.weight * f_b[s.key] for s in weighted
    )
    changes: list[WeightChange] = []
    for s in weighted:
        gap = f_a[s.key] - f_b[s.key]
        if abs(gap) < 1e-12:
            continue
        delta = -diff / gap + 0.0  # "+ 0.0" turns -0.0 into 0.0
        new_weight = s.weight + delta
        if new_weight < 0:
            if new_weight > -1e-9:  # rounding noise at exactly zero
                new_weight = 0.0
            else:
                continue
        relative = delta / s.weight * 100 if s.weight else None
        changes.append(WeightChange(s.key, float(s.weight), new_weight, delta, relative))
    changes.sort(key=lambda c: abs(c.delta))  # stable: ties keep the criteria order
    return changes


# --------------------------------------------------------------------------- value/effort

QUADRANTS = ("quick win", "big bet", "fill-in", "money pit")


def value_effort_quadrant(
    value: float, effort: float, midpoint: float, effort_midpoint: float | None = None
) -> str:
    """Quadrant of the value/effort matrix; a value exactly on the midpoint counts as low.

    ``effort_midpoint`` defaults to ``midpoint``; pass it when the two scales differ.
    """
    effort_mid = midpoint if effort_midpoint is None else effort_midpoint
    high_value = value > midpoint
    high_effort = effort > effort_mid
    if high_value:
        return "big bet" if high_effort else "quick win"
    return "money pit" if high_effort else "fill-in"


# --------------------------------------------------------------------------- MoSCoW

MOSCOW_LABELS: dict[int, str] = {4: "Must have", 3: "Should have", 2: "Could have", 1: "Won't have"}
# The effort balance (Must-haves against the planned effort) lives in moscow.py.


# --------------------------------------------------------------------------- Kano

KANO_ANSWERS = ("like", "expect", "neutral", "live_with", "dislike")
KANO_CATEGORIES = ("A", "O", "M", "I", "R", "Q")
KANO_LABELS: dict[str, str] = {
    "A": "Attractive",
    "O": "One-dimensional",
    "M": "Must-be",
    "I": "Indifferent",
    "R": "Reverse",
    "Q": "Questionable",
}
# Standard Kano evaluation table (Kano et al. 1984; Berger et al. 1993, CQM Journal 2(4)).
# Rows: answer to the functional question ("if the product has it"), columns: the
# dysfunctional one ("if it does not"), both in KANO_ANSWERS order.
_KANO_ROWS = (
    "QAAAO",  # like
    "RIIIM",  # expect
    "RIIIM",  # neutral
    "RIIIM",  # live_with
    "RRRRQ",  # dislike
)
KANO_TABLE: dict[tuple[str, str], str] = {
    (f, d): _KANO_ROWS[i][j] for i, f in enumerate(KANO_ANSWERS) for j, d in enumerate(KANO_ANSWERS)
}
# Tie-break for the majority: M > O > A > I (Berger et al.'s rule of thumb: when
# opinion is split, assume the category with the bigger effect on the product,
# since missing a must-be hurts more than missing a delighter), then R and Q, which
# point at a problem with the question or segment and should only win outright.
_KANO_TIE_ORDER = ("M", "O", "A", "I", "R", "Q")


def _kano_answer(answer: str) -> str:
    a = (
        answer.strip().lower().replace("-", "_").replace(" ", "_")
        if isinstance(answer, str)
        else ""
    )
    if a not in KANO_ANSWERS:
        raise ValueError(
            f"Unknown Kano answer {answer!r} (expected one of {', '.join(KANO_ANSWERS)})"
        )
    return a


def kano_classify(functional: str, dysfunctional: str) -> str:
    """Category letter (A, O, M, I, R or Q) for one respondent's pair of answers."""
    return KANO_TABLE[(_kano_answer(functional), _kano_answer(dysfunctional))]


def kano_coefficients(counts: Mapping[str, float]) -> tuple[float, float]:
    """(Better, Worse) satisfaction coefficients from category counts.

    Better = (A+O)/(A+O+M+I), Worse = -(O+M)/(A+O+M+I); R and Q answers are left
    out. Raises ScoreUndefined when there are no A/O/M/I answers.
    """
    a, o, m, i = (float(counts.get(c, 0) or 0) for c in ("A", "O", "M", "I"))
    base = a + o + m + i
    if base <= 0:
        if any(counts.get(c) for c in ("R", "Q")):
            raise ScoreUndefined("only reverse or questionable Kano answers")
        raise ScoreUndefined("no Kano answers yet")
    return (a + o) / base, -(o + m) / base + 0.0


def _kano_majority(counts: Mapping[str, float]) -> str | None:
    best = max((counts.get(c, 0) or 0) for c in KANO_CATEGORIES)
    if best <= 0:
        return None
    return next(c for c in _KANO_TIE_ORDER if (counts.get(c, 0) or 0) == best)


def kano_summary(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Counts per category, the majority category and the Better/Worse coefficients.

    Returns {"counts": {A, O, M, I, R, Q: int}, "total": int, "majority": letter or
    None, "better": float or None, "worse": float or None}.
    """
    counts = dict.fromkeys(KANO_CATEGORIES, 0)
    for functional, dysfunctional in pairs:
        counts[kano_classify(functional, dysfunctional)] += 1
    try:
        better, worse = kano_coefficients(counts)
    except ScoreUndefined:
        better = worse = None
    return {
        "counts": counts,
        "total": sum(counts.values()),
        "majority": _kano_majority(counts),
        "better": better,
        "worse": worse,
    }


# --------------------------------------------------------------------------- presets


@dataclass(frozen=True)
class Preset:
    kind: str
    label: str
    description: str  # the formula in words, for the UI
    criteria: tuple[CriterionSpec, ...]  # defaults for a new model of this kind
    formula: str | None


_FIBONACCI = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0)

PRESETS: dict[str, Preset] = {
    "weighted": Preset(
        "weighted",
        "Weighted scoring",
        "Each benefit scores weight x rating / scale maximum; each cost is mirrored "
        "(a low cost earns more): weight x (maximum + minimum - rating) / maximum. The "
        "score is the sum, so the best possible score equals the sum of the weights (100 "
        "with the default weights).",
        (
            CriterionSpec("customer_value", "Customer value", "benefit", 30),
            CriterionSpec("strategic_fit", "Strategic fit", "benefit", 25),
            CriterionSpec("revenue_impact", "Revenue impact", "benefit", 20),
            CriterionSpec("effort", "Effort", "cost", 15),
            CriterionSpec("risk", "Risk", "cost", 10),
        ),
        None,
    ),
    "rice": Preset(
        "rice",
        "RICE",
        "Reach (people per period) times Impact (3 massive, 2 high, 1 medium, 0.5 low, "
        "0.25 minimal) times Confidence (100, 80 or 50 %), divided by Effort in "
        "person-months. Higher means more impact per unit of work.",
        (
            CriterionSpec("reach", "Reach", "input", 1, 0, 1e9),
            CriterionSpec("impact", "Impact", "input", 1, 0.25, 3, (3.0, 2.0, 1.0, 0.5, 0.25)),
            CriterionSpec("confidence", "Confidence (%)", "input", 1, 50, 100, (100.0, 80.0, 50.0)),
            CriterionSpec("effort", "Effort (person-months)", "input", 1, 0.25, 1000),
        ),
        "reach * impact * confidence / 100 / effort",
    ),
    "wsjf": Preset(
        "wsjf",
        "WSJF",
        "Weighted Shortest Job First: the cost of delay (user-business value + time "
        "criticality + risk reduction / opportunity enablement) divided by the job size, "
        "each rated 1, 2, 3, 5, 8, 13 or 20. Higher means do it sooner.",
        (
            CriterionSpec("business_value", "User-business value", "input", 1, 1, 20, _FIBONACCI),
            CriterionSpec("time_criticality", "Time criticality", "input", 1, 1, 20, _FIBONACCI),
            CriterionSpec(
                "risk_reduction",
                "Risk reduction / opportunity enablement",
                "input",
                1,
                1,
                20,
                _FIBONACCI,
            ),
            CriterionSpec("job_size", "Job size", "input", 1, 1, 20, _FIBONACCI),
        ),
        "(business_value + time_criticality + risk_reduction) / job_size",
    ),
    "ice": Preset(
        "ice",
        "ICE",
        "Impact, Confidence and Ease, each rated 1 to 10; the score is their average "
        "(or, if the model is set to multiply, their product).",
        (
            CriterionSpec("impact", "Impact", "input", 1, 1, 10),
            CriterionSpec("confidence", "Confidence", "input", 1, 1, 10),
            CriterionSpec("ease", "Ease", "input", 1, 1, 10),
        ),
        "(impact + confidence + ease) / 3",
    ),
    "value_effort": Preset(
        "value_effort",
        "Value vs. effort",
        "Value divided by effort, both rated 1 to 10. Ideas also land in a quadrant: "
        "quick win (high value, low effort), big bet (high value, high effort), fill-in "
        "(low value, low effort) or money pit (low value, high effort).",
        (
            CriterionSpec("value", "Value", "benefit", 1, 1, 10),
            CriterionSpec("effort", "Effort", "cost", 1, 1, 10),
        ),
        "value / effort",
    ),
    "moscow": Preset(
        "moscow",
        "MoSCoW",
        "Each idea is a Must have (4), Should have (3), Could have (2) or Won't have "
        "this time (1); Musts sort first. The effort estimate is used to warn when "
        "Must-haves take more than 60 % of the total effort.",
        (
            CriterionSpec("category", "Category", "input", 1, 1, 4, (4.0, 3.0, 2.0, 1.0)),
            CriterionSpec("effort", "Estimated effort", "input", 1, 0.01, 100000),
        ),
        None,
    ),
    "kano": Preset(
        "kano",
        "Kano",
        "Customers answer how they feel if the feature is there and if it is not; each "
        "pair of answers classifies the feature as attractive, one-dimensional, must-be, "
        "indifferent, reverse or questionable. The score is the satisfaction coefficient "
        "(attractive + one-dimensional) / (attractive + one-dimensional + must-be + "
        "indifferent): how much customers gain when it is there, from 0 to 1.",
        (),  # no rated criteria: the score comes from questionnaire answers
        None,
    ),
    "formula": Preset(
        "formula",
        "Custom formula",
        "Your own formula over the criteria: numbers, criterion keys, + - * / and ^ "
        "(power), parentheses, and min, max, avg, sqrt, log (natural), abs and round.",
        (
            CriterionSpec("value", "Value", "input", 1, 1, 10),
            CriterionSpec("effort", "Effort", "input", 1, 1, 10),
        ),
        "value / effort",
    ),
}
KINDS = tuple(PRESETS)


# --------------------------------------------------------------------------- score()


@dataclass(frozen=True)
class ScoreResult:
    value: float | None
    undefined_reason: str | None
    breakdown: dict[str, float] = field(default_factory=dict)  # contributions or inputs
    explanation: str = ""  # formula with numbers
    category: str | None = None  # value/effort quadrant, MoSCoW or Kano category
    worse: float | None = None  # Kano: the Worse (dissatisfaction) coefficient; the value is Better


def _undefined(reason: str, breakdown: dict[str, float], explanation: str) -> ScoreResult:
    return ScoreResult(None, reason, breakdown, explanation)


def _score_weighted(specs: Sequence[CriterionSpec], values: Mapping[str, Any]) -> ScoreResult:
    try:
        total, contributions = weighted_score(specs, values)
    except ScoreUndefined as exc:
        partial: dict[str, float] = {}
        for s in _weighted_specs(specs):
            try:
                partial[s.key] = s.weight * _per_weight(s, _value_of(s, values))
            except ScoreUndefined:
                continue
        return _undefined(exc.reason, partial, f"undefined ({exc.reason})")
    return ScoreResult(
        total, None, contributions, _weighted_explanation(specs, values, contributions)
    )


def _score_formula(
    specs: Sequence[CriterionSpec],
    values: Mapping[str, Any],
    formula: Formula,
    category: Callable[[dict[str, float]], str | None] | None = None,
) -> ScoreResult:
    by_key = {s.key: s for s in specs}
    inputs: dict[str, float] = {}
    reason: str | None = None
    for key in [s.key for s in specs if s.key in formula.names]:
        try:
            inputs[key] = _value_of(by_key[key], values)
        except ScoreUndefined as exc:
            reason = reason or exc.reason
    unknown = sorted(formula.names - by_key.keys())
    if unknown:
        reason = f"the formula uses {', '.join(unknown)}, which this model has no criterion for"
    label = category(inputs) if category else None
    if reason is None:
        try:
            value = formula.evaluate(inputs)
        except ScoreUndefined as exc:
            reason = exc.reason
        else:
            explanation = f"{formula.substitute(inputs)} = {format_number(value)}"
            return ScoreResult(value, None, inputs, explanation, label)
    explanation = f"{formula.substitute(inputs)} = undefined ({reason})"
    return ScoreResult(None, reason, inputs, explanation, label)


def _preset_formula(kind: str, specs: Sequence[CriterionSpec], text: str) -> Formula:
    try:
        return _compile_cached(text, tuple(s.key for s in specs))
    except FormulaError as exc:
        raise ScoreUndefined(
            f"the {PRESETS[kind].label} formula does not fit this model's criteria: {exc.message}"
        ) from None


def _find(specs: Sequence[CriterionSpec], key: str, role: str | None = None) -> CriterionSpec:
    for s in specs:
        if s.key == key:
            return s
    for s in specs:
        if role is not None and s.role == role:
            return s
    raise ScoreUndefined(f"this model has no '{key}' criterion")


def _score_value_effort(
    specs: Sequence[CriterionSpec], values: Mapping[str, Any], formula: Formula | None
) -> ScoreResult:
    value_spec = _find(specs, "value", "benefit")
    effort_spec = _find(specs, "effort", "cost")
    if formula is None:
        formula = _preset_formula("value_effort", specs, f"{value_spec.key} / {effort_spec.key}")

    def quadrant(inputs: dict[str, float]) -> str | None:
        if value_spec.key not in inputs or effort_spec.key not in inputs:
            return None
        return value_effort_quadrant(
            inputs[value_spec.key],
            inputs[effort_spec.key],
            (value_spec.scale_min + value_spec.scale_max) / 2,
            (effort_spec.scale_min + effort_spec.scale_max) / 2,
        )

    # The quadrant needs both values even if a custom formula skips one of them.
    used = {value_spec.key, effort_spec.key} | set(formula.names)
    scoped = [s for s in specs if s.key in used]
    result = _score_formula(scoped, values, formula, None)
    both: dict[str, float] = {}
    for s in (value_spec, effort_spec):
        try:
            both[s.key] = _value_of(s, values)
        except ScoreUndefined:
            continue
    return ScoreResult(
        result.value, result.undefined_reason, result.breakdown, result.explanation, quadrant(both)
    )


def _score_moscow(specs: Sequence[CriterionSpec], values: Mapping[str, Any]) -> ScoreResult:
    category_spec = _find(specs, "category")
    breakdown: dict[str, float] = {}
    try:
        category = _value_of(category_spec, values)
    except ScoreUndefined as exc:
        return _undefined(exc.reason, breakdown, f"undefined ({exc.reason})")
    label = MOSCOW_LABELS.get(round(category))
    if label is None:
        reason = f"{category_spec.name} must be 4 (Must), 3 (Should), 2 (Could) or 1 (Won't)"
        return _undefined(reason, breakdown, f"undefined ({reason})")
    breakdown[category_spec.key] = category
    explanation = f"{label} = {format_number(category)}"
    # Effort only feeds the 60 % warning, so a missing estimate does not block the score.
    for s in specs:
        if s.key != category_spec.key:
            try:
                breakdown[s.key] = _value_of(s, values)
            except ScoreUndefined:
                continue
    return ScoreResult(category, None, breakdown, explanation, label)


def _score_kano(values: Mapping[str, Any], options: Mapping[str, Any]) -> ScoreResult:
    # Kano has no rated criteria: the inputs are counts per category letter (as stored
    # from classified questionnaire answers), or the raw answer pairs in options.
    if "pairs" in options:
        counts: dict[str, float] = dict(kano_summary(options["pairs"])["counts"])
    else:
        counts = {}
        for letter in KANO_CATEGORIES:
            raw = values.get(letter)
            try:
                n = 0.0 if raw is None else float(raw)
            except (TypeError, ValueError):
                n = math.nan
            if not math.isfinite(n) or n < 0:
                reason = f"the number of {KANO_LABELS[letter]} answers is not a count"
                return _undefined(reason, {}, f"undefined ({reason})")
            counts[letter] = n
    breakdown = {c: float(n) for c, n in counts.items()}
    majority = _kano_majority(counts)
    try:
        better, worse = kano_coefficients(counts)
    except ScoreUndefined as exc:
        return ScoreResult(None, exc.reason, breakdown, f"undefined ({exc.reason})", majority)
    a, o, m, i = (format_number(counts[c]) for c in ("A", "O", "M", "I"))
    explanation = (
        f"Better = (A + O) / (A + O + M + I) = ({a} + {o}) / ({a} + {o} + {m} + {i}) = "
        f"{format_number(better)}; Worse = -(O + M) / (A + O + M + I) = {format_number(worse)}"
    )
    if majority:
        explanation += (
            f"; most answers: {KANO_LABELS[majority]} ({format_number(counts[majority])})"
        )
    return ScoreResult(better, None, breakdown, explanation, majority, worse)


def score(
    kind: str,
    specs: Iterable[CriterionSpec],
    values: Mapping[str, Any],
    *,
    formula: Formula | None = None,
    options: Mapping[str, Any] | None = None,
) -> ScoreResult:
    """Score one idea. Depends only on this idea's values and the model's criteria.

    A score that cannot be computed (missing value, division by zero, a value
    outside its criterion's scale...) is returned as ``value=None`` with a readable
    ``undefined_reason``; only programming errors (unknown kind or option) raise.

    ``formula`` overrides the preset formula for rice, wsjf, ice, value_effort and
    is required for kind "formula". Options: ice {"variant": "average" | "product"};
    kano: ``values`` are counts per category letter {"A": 3, "M": 5, ...}, or pass
    {"pairs": [(functional, dysfunctional), ...]} in options; ``category`` is the
    majority letter (see KANO_LABELS).
    """
    if kind not in PRESETS:
        raise ValueError(f"Unknown scoring kind {kind!r} (known: {', '.join(KINDS)})")
    spec_list = tuple(specs)
    opts: Mapping[str, Any] = options or {}
    try:
        if kind == "weighted":
            return _score_weighted(spec_list, values)
        if kind == "moscow":
            return _score_moscow(spec_list, values)
        if kind == "kano":
            return _score_kano(values, opts)
        if kind == "value_effort":
            return _score_value_effort(spec_list, values, formula)
        if formula is None:
            if kind == "formula":
                raise ScoreUndefined("this model has no formula yet")
            text = PRESETS[kind].formula or ""
            if kind == "ice":
                variant = opts.get("variant", "average")
                if variant not in ("average", "product"):
                    raise ValueError(
                        f"Unknown ICE variant {variant!r} (use 'average' or 'product')"
                    )
                if variant == "product":
                    text = "impact * confidence * ease"
            formula = _preset_formula(kind, spec_list, text)
        return _score_formula(spec_list, values, formula)
    except ScoreUndefined as exc:
        return _undefined(exc.reason, {}, f"undefined ({exc.reason})")
