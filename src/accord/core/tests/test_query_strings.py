"""Every query string the app builds encodes its values: "q=R&D" must not become q=R and D=.

Templates build links with Django's {% querystring %} tag or put `|urlencode` on each value; a
variable named `…query` holds a query string a view encoded (urlencode / QueryDict.urlencode).
Python code builds URLs with core.web.with_query or urlencode, never by pasting values into
f-strings. Both rules are checked by reading the source, so a new page cannot slip back.
"""

import ast
import re
from pathlib import Path

import pytest

import accord
from accord.core.web import with_query

SRC = Path(accord.__file__).parent

# A URL-carrying attribute, its value allowed to contain {{ }} and {% %} (with their own quotes).
URL_ATTRIBUTE = re.compile(
    r'\b(href|action|src|value|hx-get|hx-post|hx-put|hx-patch|hx-delete|data-[\w-]*url)='
    r'"((?:[^"{]|\{\{.*?\}\}|\{%.*?%\}|\{(?![{%]))*)"'
)
OUTPUT = re.compile(r"\{\{\s*(.*?)\s*\}\}")
ENCODED = re.compile(r"\|urlencode(:\S+)?$|^[\w.]*query$")


def test_template_query_strings_encode_every_value():
    bad, seen = [], 0
    for path in sorted(SRC.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for attribute in URL_ATTRIBUTE.finditer(text):
            value = attribute.group(2)
            if "?" not in value:
                continue
            seen += 1
            for output in OUTPUT.finditer(value[value.index("?") + 1 :]):
                if not ENCODED.search(output.group(1)):
                    line = text.count("\n", 0, attribute.start()) + 1
                    bad.append(f"{path.relative_to(SRC)}:{line}: {{{{ {output.group(1)} }}}}")
    assert seen > 20  # the scan does find the app's links
    assert not bad, "unencoded values in query strings:\n" + "\n".join(bad)


# "?{}", "?name={}" or "&name={}" around an f-string's replacement fields ({} is \x00 here).
# A "?" after ")", "]", "+" or "*" is a regular expression's quantifier (core/numbers.py), not a query.
HAND_BUILT = re.compile(r"(?:(?<![)\]+*?])\?|&)(?:amp;)?(?:[\w.-]+=)?\x00")


def _hand_built(path: Path):
    """Lines that paste values into a query string: such f-strings, and "&".join(...) of pairs.
    with_query itself is the one place allowed to join a URL and the query it encoded."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name == "with_query"
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in allowed:
            continue
        if isinstance(node, ast.JoinedStr):
            shape = "".join(part.value if isinstance(part, ast.Constant) else "\x00" for part in node.values)
            if HAND_BUILT.search(shape):
                yield node.lineno, shape.replace("\x00", "{…}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "join"
            and isinstance(node.func.value, ast.Constant)
            and node.func.value.value in ("&", "&amp;")
        ):
            yield node.lineno, f"{node.func.value.value!r}.join(...)"


def test_python_code_never_pastes_values_into_a_query_string():
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "migrations" in parts or parts[0] == "bench":
            continue  # bench drives the API with fixed numbers; tests build what they test
        bad += [f"{path.relative_to(SRC)}:{lineno}: {what}" for lineno, what in _hand_built(path)]
    assert not bad, "query strings built by hand:\n" + "\n".join(bad)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "R&D", "status": None, "page": 2}, "/x?q=R%26D&page=2"),
        ({"tag": ["a b", "c"]}, "/x?tag=a+b&tag=c"),
        ({"q": "", "status": None}, "/x"),
        ("q=R%26D&status=new", "/x?q=R%26D&status=new"),
        ("q=a b&x=<script>", "/x?q=a+b&x=%3Cscript%3E"),
        ("", "/x"),
        (None, "/x"),
    ],
)
def test_with_query_encodes_what_it_is_given(params, expected):
    assert with_query("/x", params) == expected
