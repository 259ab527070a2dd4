from django.urls import path

from . import views

app_name = "transfer"

urlpatterns = [
    path("workspaces/import", views.import_page, name="import"),
    path("w/<slug:slug>/export.json", views.export_download, name="export"),
]
