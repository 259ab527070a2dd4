from django.urls import path

from . import views

L = "w/<slug:slug>/launches"

urlpatterns = [
    path(L, views.launch_list, name="launches"),
    path(f"{L}/new", views.launch_new, name="launch_new"),
    path(f"{L}/calendar", views.launch_calendar, name="launch_calendar"),
    path(f"{L}/<int:launch_id>", views.launch_detail, name="launch"),
    path(f"{L}/<int:launch_id>/positioning", views.positioning, name="launch_positioning"),
    path(f"{L}/<int:launch_id>/<slug:action>", views.launch_action, name="launch_action"),
    path("launches/calendar/<str:token>.ics", views.calendar_feed, name="launch_calendar_feed"),
]
