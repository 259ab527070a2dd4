"""One-line fields: line breaks and tabs never reach a title, a name or a mail subject."""

import pytest

from accord.core.cleaning import clean_text, one_line
from accord.core.errors import Invalid


@pytest.mark.parametrize(
    "raw",
    ["Dark\nmode", "Dark\r\nmode", "Dark\rmode", "Dark\tmode", "Dark \n\n mode", "Dark\u2028mode",
     "Dark\x85mode", "Dark\x0bmode", "Dark\x0cmode", "Dark\x1cmode"],
)  # fmt: skip
def test_one_line_fields_turn_breaks_and_tabs_into_one_space(raw):
    assert clean_text(raw, "title") == "Dark mode"
    assert one_line(raw) == "Dark mode"


def test_multi_line_fields_keep_their_lines():
    assert clean_text(" Why:\n- speed\r\n- cost\t(1)\n", "description", multiline=True) == "Why:\n- speed\r\n- cost\t(1)"


def test_spaces_inside_a_line_are_kept_and_the_ends_trimmed():
    assert clean_text("  A  B  ", "title") == "A  B"


def test_a_title_of_only_line_breaks_is_missing():
    with pytest.raises(Invalid) as exc:
        clean_text("\r\n\t\n", "title", required=True)
    assert exc.value.errors[0].field == "title"
