"""Exports of a roadmap (svg, png, pdf, csv, json) and its CSV import page (signed in)."""

from django.urls import path

from . import views_exports

urlpatterns = [
    path(
        "w/<slug:slug>/roadmaps/<int:roadmap_id>/export.<str:fmt>",
        views_exports.roadmap_export,
        name="roadmap_export",
    ),
    path(
        "w/<slug:slug>/roadmaps/<int:roadmap_id>/import",
        views_exports.roadmap_import,
        name="roadmap_import",
    ),
]
