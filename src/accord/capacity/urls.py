from django.urls import path

from . import views

C = "w/<slug:slug>/capacity"

urlpatterns = [
    path(C, views.capacity_home, name="capacity"),
    path(f"{C}/compare", views.compare_page, name="capacity_compare"),
    path(f"{C}/do/<slug:action>", views.capacity_action, name="capacity_action"),
    path(f"{C}/scenarios/<int:scenario_id>", views.scenario_page, name="capacity_scenario"),
    path(
        f"{C}/scenarios/<int:scenario_id>/<slug:action>",
        views.scenario_action,
        name="capacity_scenario_action",
    ),
    path(f"{C}/plans/<int:run_id>/progress", views.run_status, name="capacity_progress"),
]
