from django.urls import path

from . import views

N = "w/<slug:slug>/notifications"

urlpatterns = [
    path(N, views.notification_list, name="notifications"),
    path(f"{N}/read", views.notification_read, name="notifications_read"),
    path(f"{N}/settings", views.notification_settings, name="notification_settings"),
    path(
        "notifications/unsubscribe/<str:token>", views.unsubscribe, name="notifications_unsubscribe"
    ),
]
