from django.urls import path

from . import views

P = "w/<slug:slug>/webhooks"

urlpatterns = [
    path(P, views.webhook_list, name="webhooks"),
    path(f"{P}/<int:webhook_id>", views.webhook_detail, name="webhook"),
    path(f"{P}/<int:webhook_id>/<slug:action>", views.webhook_action, name="webhook_action"),
    path(f"{P}/deliveries/<int:delivery_id>", views.delivery_detail, name="webhook_delivery"),
    path(
        f"{P}/deliveries/<int:delivery_id>/replay",
        views.delivery_replay,
        name="webhook_delivery_replay",
    ),
]
