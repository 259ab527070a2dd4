from django.urls import path

from . import views

G = "w/<slug:slug>/goals"

urlpatterns = [
    path(G, views.goal_list, name="goals"),
    path(f"{G}/scoreboard", views.scoreboard, name="scoreboard"),
    path(f"{G}/<int:goal_id>", views.goal_detail, name="goal"),
    path(f"{G}/<int:goal_id>/<slug:action>", views.goal_action, name="goal_action"),
    path(
        f"{G}/key-results/<int:key_result_id>/chart.<str:fmt>",
        views.key_result_chart,
        name="key_result_chart",
    ),
]
