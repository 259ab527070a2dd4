from django.urls import path

from . import views

C = "w/<slug:slug>/changes"

urlpatterns = [
    path(C, views.change_list, name="changes"),
    path(f"{C}/new", views.change_new, name="change_new"),
    path(f"{C}/check", views.conflict_check, name="change_check"),
    path(f"{C}/freezes", views.freeze_new, name="freeze_new"),
    path(f"{C}/freezes/<int:freeze_id>/delete", views.freeze_delete, name="freeze_delete"),
    path(f"{C}/reviews", views.review_list, name="change_reviews"),
    path(f"{C}/reviews/<int:review_id>", views.review_detail, name="change_review"),
    path(
        f"{C}/reviews/<int:review_id>/minutes.<str:fmt>",
        views.review_minutes,
        name="change_review_minutes",
    ),
    path(
        f"{C}/reviews/<int:review_id>/<slug:action>",
        views.review_action,
        name="change_review_action",
    ),
    path(f"{C}/<int:change_id>", views.change_detail, name="change"),
    path(f"{C}/<int:change_id>/<slug:action>", views.change_action, name="change_action"),
    path("changes/calendar/<str:token>.ics", views.calendar_feed, name="change_calendar_feed"),
]
