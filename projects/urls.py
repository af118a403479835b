from django.urls import path  # noqa: F401  (the two lists below fill in)

from .views import host, public  # noqa: F401

app_name = "projects"

# Public pages (views/public.py): the project index, project pages, regions, feed, sitemap.
public_urlpatterns: list = []

# The host's pages (views/host.py): dashboard, project forms, preview, versions.
host_urlpatterns: list = []

urlpatterns = public_urlpatterns + host_urlpatterns
