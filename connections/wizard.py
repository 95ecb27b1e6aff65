"""The "create identity source" wizard's catalogue: which WeChat login modes exist and which work."""
from django.utils.translation import gettext_lazy as _

from .models import ConnectionKind

WECHAT_MODES = [
    {
        "key": ConnectionKind.WECHAT_MINIPROGRAM_PC,
        "title": _("PC mini-program scan"),
        "text": _("Users scan a mini-program code shown on your PC website and confirm on their phone."),
        "icon": "scan",
        "available": True,
    },
    {
        "key": "wechat_open_qr",
        "title": _("Website QR (Open Platform)"),
        "text": _("Website app of the WeChat Open Platform: scan a QR code to log in on the web."),
        "icon": "qr",
        "available": False,
    },
    {
        "key": "wechat_official_account",
        "title": _("Official account"),
        "text": _("Log in inside WeChat's browser through an official account's web authorization."),
        "icon": "chat",
        "available": False,
    },
    {
        "key": "wechat_miniprogram_app",
        "title": _("Mini-program in-app"),
        "text": _("Users of your mini-program log in with one tap, inside the mini-program."),
        "icon": "mini",
        "available": False,
    },
    {
        "key": "wechat_mobile_app",
        "title": _("Mobile app"),
        "text": _("Your iOS or Android app opens WeChat to authorize the login."),
        "icon": "phone",
        "available": False,
    },
]
