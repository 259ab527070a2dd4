from django.urls import path

from . import views

G = "w/<slug:slug>/goals"

urlpatterns = [
    path(G, views.goal_list, name="goals"),
    path(f"{G}/new", views.goal_new, name="goal_new"),
    path(f"{G}/scoreboard", views.scoreboard, name="scoreboard"),
    path(f"{G}/<int:goal_id>/key-results/new", views.key_result_new, name="key_result_new"),
    path(f"{G}/key-results/<int:key_result_id>", views.key_result_page, name="key_result"),
    path(f"{G}/key-results/<int:key_result_id>/drawer", views.key_result_drawer, name="key_result_drawer"),
    path(f"{G}/key-results/<int:key_result_id>/measure", views.measurement_new, name="measurement_new"),
    path(f"{G}/<int:goal_id>", views.goal_detail, name="goal"),
    path(f"{G}/<int:goal_id>/<slug:action>", views.goal_action, name="goal_action"),
    path(
        f"{G}/key-results/<int:key_result_id>/chart.<str:fmt>",
        views.key_result_chart,
        name="key_result_chart",
    ),
]
