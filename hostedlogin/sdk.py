"""The browser SDK, served at /sdk/scanlogin.js from sdk/js/ (one plain script, no build step)."""
from django.conf import settings
from django.views.decorators.http import require_GET
from django.views.static import serve

SDK_DIR = settings.BASE_DIR / "sdk" / "js"


@require_GET
def sdk_script(request):
    response = serve(request, "scanlogin.js", document_root=SDK_DIR)
    response["Content-Type"] = "text/javascript; charset=utf-8"
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"  # a public script: sites may load it with `crossorigin`
    return response
