"""REST API: a MoSCoW model's effort balance (DSDM's 60 % rule, see moscow.py).

Its own module because ideas/api.py is already long; same tag, same authentication.
"""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from accord.core.api_support import Id, responses
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import selectors

router = Router(auth=API_AUTH, tags=["ideas"])


class MoscowBalanceOut(Schema):
    must_effort: float = Field(description="Estimated effort of the Must-haves.")
    planned_effort: float = Field(
        description="Effort planned for this time: Must + Should + Could (Won't-haves left out)."
    )
    wont_effort: float = Field(description="Effort of the Won't-haves, counted on neither side.")
    share: float | None = Field(
        description="must_effort / planned_effort (0-1); null when nothing planned has an estimate."
    )
    threshold: float = Field(description="The most the Must-haves should take (DSDM: 0.6).")
    warning: bool = Field(description="The Must-haves take more than the threshold.")
    message: str | None = Field(description="The warning in words, as the model page shows it.")
    estimated: int = Field(description="Ideas counted: a category and a positive effort estimate.")
    unestimated: int = Field(description="Ideas with a category but no effort estimate, not counted.")


@router.get(
    "/workspaces/{slug}/scoring-models/{model_id}/moscow",
    response=responses(200, MoscowBalanceOut),
    summary="MoSCoW effort balance: Must-haves against the effort planned for this time",
)
def moscow_balance(request: HttpRequest, slug: str, model_id: Id):
    member = member_for(request, slug)
    require(member, "scoring_model.view")
    model = selectors.scoring_model(workspace=member.workspace, model_id=model_id)
    balance = selectors.moscow_balance(model=model)
    return {
        "must_effort": balance.must_effort,
        "planned_effort": balance.planned_effort,
        "wont_effort": balance.wont_effort,
        "share": balance.share,
        "threshold": balance.threshold,
        "warning": balance.warning,
        "message": balance.message,
        "estimated": balance.estimated,
        "unestimated": balance.unestimated,
    }
