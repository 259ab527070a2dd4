from django.urls import include, path

from accord.api import api
from accord.core import views as core_views
from accord.operations.metrics import metrics_view

handler400 = "accord.core.views.bad_request"
handler403 = "accord.core.views.permission_denied"
handler404 = "accord.core.views.page_not_found"
handler500 = "accord.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", api.urls),
    path("accounts/", include("accord.accounts.urls")),
    path("", include("accord.workspaces.urls")),
    path("", include("accord.audit.urls")),
    path("", include("accord.ideas.urls")),
    path("", include("accord.roadmaps.urls")),
    path("", include("accord.roadmaps.urls_public")),
    path("", include("accord.roadmaps.urls_exports")),
    path("", include("accord.feedback.urls")),
    path("", include("accord.feedback.similarity.urls")),
    path("", include("accord.goals.urls")),
    path("", include("accord.goals.urls_public")),
    path("", include("accord.portal.urls")),
    path("", include("accord.roles.urls")),  # before initiatives: its <id>/<action> would take .../raci
    path("", include("accord.initiatives.urls")),
    path("", include("accord.launches.urls")),
    path("", include("accord.changes.urls")),
    path("", include("accord.playbooks.urls")),
    path("", include("accord.glossary.urls")),
    path("", include("accord.capacity.urls")),
    path("", include("accord.notifications.urls")),
    path("", include("accord.collab.urls")),
    path("", include("accord.webhooks.urls")),
    path("", include("accord.feeds.urls")),
    path("", include("accord.imports.urls")),
    path("", include("accord.transfer.urls")),
]
