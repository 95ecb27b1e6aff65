from django.urls import path

from . import views

app_name = "oidc"
urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="discovery"),
    path("jwks.json", views.jwks, name="jwks"),
    path("authorize", views.authorize, name="authorize"),
    path("token", views.token, name="token"),
    path("userinfo", views.userinfo, name="userinfo"),
    path("end-session", views.end_session, name="end_session"),
    path("end-session/confirm", views.end_session_confirm, name="end_session_confirm"),
]
