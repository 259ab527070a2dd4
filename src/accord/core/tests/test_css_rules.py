"""Rules of the stylesheet that keep text readable: names and e-mail addresses are never broken in
the middle of a word to save width (overflow-wrap: anywhere also shrinks a column to one letter);
only secrets, formulas and raw previews, which have no words, may break anywhere."""

import re
from pathlib import Path

APP_CSS = (Path(__file__).resolve().parents[1] / "static" / "accord" / "app.css").read_text()
MAY_BREAK_ANYWHERE = {".secret code", "code.formula-text, :not(pre) > code.formula-text", ".preview-table td", ".wh-log"}  # .wh-log: raw HTTP of webhook deliveries


def test_only_wordless_text_breaks_anywhere():
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", APP_CSS, flags=re.S))
    breaking = {sel.strip() for sel, body in rules if re.search(r"overflow-wrap:\s*anywhere|word-break:\s*break-all", body)}
    assert breaking <= MAY_BREAK_ANYWHERE, sorted(breaking - MAY_BREAK_ANYWHERE)
