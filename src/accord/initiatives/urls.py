from django.urls import path

from . import views

I = "w/<slug:slug>/initiatives"  # noqa: E741

urlpatterns = [
    path(I, views.portfolio, name="initiatives"),
    path(f"{I}/new", views.initiative_new, name="initiative_new"),
    path(f"{I}/lifecycle", views.lifecycle_page, name="lifecycle"),
    path(f"{I}/lifecycle/<slug:action>", views.lifecycle_action, name="lifecycle_action"),
    path(f"{I}/<int:initiative_id>", views.initiative_page, name="initiative"),
    path(
        f"{I}/<int:initiative_id>/<slug:action>", views.initiative_action, name="initiative_action"
    ),
]
