from django.urls import path

from . import views

G = "w/<slug:slug>/glossary"

urlpatterns = [
    path(G, views.glossary, name="glossary"),
    path(f"{G}/new", views.term_new, name="glossary_term_new"),
    path(f"{G}/import", views.terms_import, name="glossary_import"),
    path(f"{G}/export.csv", views.terms_export, name="glossary_export"),
    path(f"{G}/<int:term_id>", views.term_detail, name="glossary_term"),
    path(f"{G}/<int:term_id>/edit", views.term_edit, name="glossary_term_edit"),
    path(f"{G}/<int:term_id>/<slug:action>", views.term_action, name="glossary_term_action"),
]
