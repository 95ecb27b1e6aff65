from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from console.site import console_site
from hostedlogin.sdk import sdk_script

# Uploaded logos (already re-encoded PNGs). A deployment with object storage sets SERVE_MEDIA=false.
media_patterns = [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})] \
    if settings.DEBUG or settings.SERVE_MEDIA else []

urlpatterns = [
    # The routes browsers and phones call most come first: URL resolution tries patterns in order.
    path("u/<slug:pool>/", include("hostedlogin.urls")),
    path("api/miniprogram/", include("hostedlogin.miniprogram_urls")),
    path("u/<slug:pool>/oidc/", include("oidc.urls")),
    path("", RedirectView.as_view(url="/console/", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("console/", console_site.urls),
    path("api/v1/", include("console.api_urls")),
    path("sdk/scanlogin.js", sdk_script, name="sdk_script"),
    *media_patterns,
]
