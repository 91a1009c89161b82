"""Public addresses of the library: the catalogue, the files (access checked), OAI-PMH."""

from django.urls import path

from .views import files, oai, public

urlpatterns = [
    path("thu-vien/", public.home, name="library_public_home"),
    path("thu-vien/tim-kiem/", public.search, name="library_public_search"),
    path("thu-vien/bo-suu-tap/<slug:slug>/", public.collection, name="library_public_collection"),
    path("thu-vien/tai-lieu/<int:pk>/", public.item, name="library_public_item"),
    path("thu-vien/tep/<int:pk>/<str:name>", files.download, name="library_file"),
    path("oai", oai.endpoint, name="library_oai"),
]
