from django.urls import path

from . import views, views_workflow

urlpatterns = [
    path("w/<slug:slug>/ideas", views.ideas_list, name="ideas"),
    path("w/<slug:slug>/ideas/board", views.ideas_board, name="ideas_board"),
    path("w/<slug:slug>/ideas/new", views.idea_new, name="idea_new"),
    path("w/<slug:slug>/ideas/bulk", views.ideas_bulk, name="ideas_bulk"),
    path("w/<slug:slug>/ideas/<int:idea_id>", views.idea_detail, name="idea_detail"),
    path("w/<slug:slug>/ideas/<int:idea_id>/drawer", views_workflow.idea_drawer, name="idea_drawer"),
    path("w/<slug:slug>/ideas/<int:idea_id>/edit", views.idea_edit, name="idea_edit"),
    path("w/<slug:slug>/ideas/<int:idea_id>/status", views.idea_status, name="idea_status"),
    path("w/<slug:slug>/ideas/<int:idea_id>/decide", views.idea_decide, name="idea_decide"),
    path("w/<slug:slug>/ideas/<int:idea_id>/merge", views.idea_merge, name="idea_merge"),
    path(
        "w/<slug:slug>/ideas/<int:idea_id>/scores/<int:model_id>",
        views.idea_scores,
        name="idea_scores",
    ),
    path("w/<slug:slug>/scoring", views.scoring_models, name="scoring_models"),
    path("w/<slug:slug>/scoring/<int:model_id>", views.scoring_model, name="scoring_model"),
    path("w/<slug:slug>/scoring/<int:model_id>/kano", views.kano_answer, name="kano_answer"),
    path("w/<slug:slug>/rounds", views.rounds, name="rounds"),
    path("w/<slug:slug>/rounds/<int:round_id>", views.scoring_round, name="round"),
    path(
        "w/<slug:slug>/rounds/<int:round_id>/ideas/<int:idea_id>",
        views.round_rate,
        name="round_rate",
    ),
    path("w/<slug:slug>/rounds/<int:round_id>/submit", views.round_submit, name="round_submit"),
    path("w/<slug:slug>/rounds/<int:round_id>/close", views.round_close, name="round_close"),
    path("w/<slug:slug>/parking-lot", views.parking_lot, name="parking_lot"),
]
