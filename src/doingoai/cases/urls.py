"""Public addresses of the cases app (no sign-in): the report form and the published
clarifications."""

from django.urls import path

from .views import public, rebuttals

urlpatterns = [
    path("phan-anh/", public.report_form, name="cases_public_report"),
    path("phan-anh/<str:receipt>/", public.report_receipt, name="cases_public_receipt"),
    path("cai-chinh/", rebuttals.public_index, name="cases_public_clarifications"),
    path("cai-chinh/<slug:slug>/", rebuttals.public_detail, name="cases_public_clarification"),
]
