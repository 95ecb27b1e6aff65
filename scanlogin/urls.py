from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from console.site import console_site

urlpatterns = [
    path("", RedirectView.as_view(url="/console/", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("console/", console_site.urls),
    path("api/v1/", include("console.api_urls")),
    path("api/miniprogram/", include("hostedlogin.miniprogram_urls")),
    path("u/<slug:pool>/oidc/", include("oidc.urls")),
    path("u/<slug:pool>/", include("hostedlogin.urls")),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # Uploaded logos (already re-encoded PNGs). A deployment with object storage sets SERVE_MEDIA=false.
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]
