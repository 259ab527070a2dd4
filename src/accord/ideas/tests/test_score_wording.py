"""An idea without a score in the model shown (it may well be scored in another one, and have the
status "Scored") says which model it lacks, never "Not scored yet"."""

from django.template.loader import render_to_string


def test_an_idea_without_this_models_score_names_the_model():
    html = render_to_string(
        "ideas/_score.html", {"value": None, "undefined": "not scored yet", "model_name": "RICE"}
    )
    assert "Not scored yet" not in html
    assert "No RICE score" in html


def test_without_a_model_name_it_still_does_not_claim_the_idea_is_unscored():
    html = render_to_string("ideas/_score.html", {"value": None, "undefined": ""})
    assert "Not scored yet" not in html and "No score with this model" in html


def test_an_undefined_score_says_why():
    html = render_to_string("ideas/_score.html", {"value": None, "undefined": "reach is missing"})
    assert "undefined: reach is missing" in html
