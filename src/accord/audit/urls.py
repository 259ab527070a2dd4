from django.urls import path

from . import views

urlpatterns = [
    path("w/<slug:slug>/audit", views.audit_trail, name="audit"),
    path("w/<slug:slug>/audit.csv", views.audit_export, name="audit_export"),
]
