from django.urls import path

from . import miniprogram

app_name = "miniprogram"
urlpatterns = [
    path("scan", miniprogram.scan, name="scan"),
    path("confirm", miniprogram.confirm, name="confirm"),
    path("cancel", miniprogram.cancel, name="cancel"),
]
