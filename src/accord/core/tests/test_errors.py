"""The errors services raise, and the `except` clauses that catch them.

`except (A, B)` needs every item to be an exception class: a name that is itself a tuple (the old
`UserError = (Invalid, Conflict)`) raises TypeError the moment an exception reaches the clause, so a
form error became a 500. The scan below reads every module of the app, no linter needed.
"""

import ast
import builtins
import importlib
from pathlib import Path

import pytest

import accord
from accord.core.errors import Conflict, Invalid, NotFound, StaleVersion
from accord.core.web import UserError

SRC = Path(accord.__file__).parent


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        if "migrations" in parts or "tests" in parts or parts[-1] == "__main__":
            continue
        found.append((".".join(p for p in parts if p != "__init__"), path))
    return found


def _resolve(node: ast.expr, namespace: dict):
    if isinstance(node, ast.Name):
        if node.id in namespace:
            return namespace[node.id]
        return getattr(builtins, node.id)
    if isinstance(node, ast.Attribute):
        return getattr(_resolve(node.value, namespace), node.attr)
    raise AssertionError(f"unexpected expression {ast.dump(node)}")


def _tuple_clauses(path: Path) -> list[tuple[int, list[ast.expr]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.type.elts)
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and isinstance(node.type, ast.Tuple)
    ]


def test_every_name_in_an_except_tuple_is_an_exception_class():
    bad, checked = [], 0
    for module_name, path in _modules():
        clauses = _tuple_clauses(path)
        if not clauses:
            continue
        namespace = vars(importlib.import_module(module_name))
        for lineno, names in clauses:
            for name in names:
                checked += 1
                value = _resolve(name, namespace)
                if not (isinstance(value, type) and issubclass(value, BaseException)):
                    bad.append(f"{path.relative_to(SRC.parent)}:{lineno}: {ast.unparse(name)} is {value!r}")
    assert checked > 10  # the scan found the app's clauses
    assert not bad, "\n".join(bad)


def test_user_error_is_the_exception_class_of_what_a_form_shows():
    assert issubclass(UserError, Exception)
    for exc in (Invalid.field("title", "Required."), Conflict("Taken."), StaleVersion(3)):
        assert isinstance(exc, UserError)
    assert not isinstance(NotFound(), UserError)
    # Combining it with its own members in a tuple is harmless now.
    with pytest.raises(ZeroDivisionError):
        try:
            1 / 0  # noqa: B018
        except (UserError, Invalid):
            pass
    try:
        raise Invalid.field("title", "Required.")
    except (UserError, Invalid) as exc:
        assert exc.detail == "Required."
