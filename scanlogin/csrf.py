"""CSRF failures: JSON for the JSON APIs (their clients read `error`), Django's page elsewhere."""
from django.http import JsonResponse
from django.views.csrf import csrf_failure as html_csrf_failure


def _wants_json(request) -> bool:
    return "/api/" in request.path or request.content_type == "application/json"


def csrf_failure(request, reason=""):
    if _wants_json(request):
        return JsonResponse({"error": "csrf_failed", "message": "The CSRF check failed: reload the page and try again."}, status=403)
    return html_csrf_failure(request, reason)
