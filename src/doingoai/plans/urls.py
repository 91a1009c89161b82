"""Addresses of the plans app outside the staff UI (a calendar program fetches the feed)."""

from django.urls import path

from . import views

urlpatterns = [
    path("lich/<str:token>.ics", views.ical_feed, name="plans_ical"),
]
