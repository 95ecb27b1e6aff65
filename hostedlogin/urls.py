from django.urls import path

from . import api, views

app_name = "hostedlogin"
urlpatterns = [
    path("api/qr-tickets/<str:ticket>", api.ticket_status, name="ticket"),  # the long-poll: first
    path("login", views.login_page, name="login"),
    path("welcome", views.welcome, name="welcome"),
    path("logout", views.logout, name="logout"),
    path("bind/<str:ticket>", views.bind_page, name="bind"),
    path("try/<str:ticket>", views.try_success, name="try_success"),
    path("api/qr-tickets", api.tickets_create, name="tickets"),
    path("api/qr-tickets/<str:ticket>/qrcode.png", api.ticket_qrcode, name="ticket_qrcode"),
    path("api/qr-tickets/<str:ticket>/exchange", api.ticket_exchange_view, name="ticket_exchange"),
]
