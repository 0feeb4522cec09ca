"""URLs: the admin outside the language prefix, everything a visitor reads inside it."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from matching.urls import unit_urlpatterns
from matching.views import files
from portal import views
from portal.search import site_search
from portal.sitemaps import SITEMAPS

urlpatterns = [
    # Before Wagtail's admin URLs, so that its own sign-in form is never served (portal.views.admin_sign_in).
    path("admin/login/", views.admin_sign_in),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Images of outcomes not yet published, for their unit and the office (matching.storage).
    path("private-files/<path:name>", files.private_file, name="private-file"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("search.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("search/", site_search, name="site-search"),
    # Each room's pages with global names (`staff-invitations`, `unit-join`), then matching's namespaced ones.
    path("", include("catalog.urls")),
    path("", include(unit_urlpatterns)),
    path("", include("matching.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
