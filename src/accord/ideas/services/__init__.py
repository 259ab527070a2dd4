"""Every write to ideas, scoring models, rounds and decisions (one function per user action)."""

from .ideas import decide, idea_create, idea_delete, idea_merge, idea_update, ideas_bulk
from .rescore import Scorer, rescore
from .rounds import ratings_save, ratings_submit, round_close, round_open
from .scoring_models import (
    idea_set_inputs,
    kano_answer_set,
    scoring_model_create,
    scoring_model_delete,
    scoring_model_update,
)

__all__ = [
    "Scorer",
    "decide",
    "idea_create",
    "idea_delete",
    "idea_merge",
    "idea_set_inputs",
    "idea_update",
    "ideas_bulk",
    "kano_answer_set",
    "ratings_save",
    "ratings_submit",
    "rescore",
    "round_close",
    "round_open",
    "scoring_model_create",
    "scoring_model_delete",
    "scoring_model_update",
]
