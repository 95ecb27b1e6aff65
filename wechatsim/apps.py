from django.apps import AppConfig


class WeChatSimConfig(AppConfig):
    name = "wechatsim"
    verbose_name = "WeChat simulator"
