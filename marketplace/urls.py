from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import apis
from .schema_views import CachedSchemaView

router = SimpleRouter()
router.register("notifications", apis.NotificationViewSet, basename="notification")

api_v1 = [
    path("", apis.ApiRootView.as_view(), name="api-root"),
    path("", include("accounts.urls")),
    path("", include("creators.urls")),
    path("", include("campaigns.urls")),
    path("", include("payments.urls")),
    *router.urls,
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", CachedSchemaView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("healthz/", apis.healthz, name="healthz"),
    path("readyz/", apis.readyz, name="readyz"),
    path("livez/", apis.livez, name="livez"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Reelmatch administration"
admin.site.site_title = "Reelmatch admin"

handler500 = "marketplace.apis.server_error"
handler404 = "marketplace.apis.not_found"
handler400 = "marketplace.apis.bad_request"
