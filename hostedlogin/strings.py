"""Texts the login page's script shows, translated on the server (English / Simplified Chinese)."""
from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext as _


def page_strings() -> dict:
    """The texts in the active language (translated once per language and process: every login page
    sends them all, about fifty look-ups in the catalogue)."""
    return _page_strings(get_language())


@lru_cache(maxsize=8)
def _page_strings(language: str) -> dict:
    return {
        "states": {
            "loading": {"status": _("Preparing your code…")},
            "pending": {"status": _("Scan with WeChat to log in"), "hint": _("Open WeChat, tap + then Scan, and point it at the code.")},
            "scanned": {"status": _("Scanned — confirm on your phone"), "hint": _("Tap “Confirm login” in WeChat to continue."), "title": _("WeChat user"), "subtitle": _("is confirming…")},
            "confirmed": {"status": _("Confirmed"), "title": _("Confirmed — logging you in…"), "icon": "✓"},
            "consumed": {"status": _("Logged in"), "title": _("Logged in"), "icon": "✓"},
            "expired": {"status": _("Refresh to get a new code"), "title": _("QR code expired"), "text": _("Codes are valid for a short time to keep your account safe."), "icon": "↻", "retry": _("Refresh code")},
            "cancelled": {"status": _("The login was cancelled on your phone"), "title": _("Cancelled"), "text": _("Changed your mind? You can scan again."), "icon": "×", "retry": _("Try again")},
            "rejected": {"status": _("Your login was not accepted"), "title": _("Login refused"), "icon": "!", "retry": _("Try again")},
            "error": {"status": _("Something went wrong"), "title": _("Could not continue"), "text": _("Check your connection and try again."), "icon": "!", "retry": _("Try again")},
        },
        "reasons": {
            "login_only": _("This application only allows existing accounts. Ask the administrator to create yours first."),
            "user_blocked": _("This account has been blocked. Contact the administrator."),
            "phone_in_use": _("This phone number already has an account here. Log in the way you did before, "
                              "or ask the site to link this WeChat to your account."),
            "too_many_attempts": _("Too many wrong passwords. Scan a new code to start again."),
            "_default": _("This login was refused."),
        },
        "expires_in": _("Code expires in %s"),
        "qr_failed": _("The QR code could not be loaded."),
        # End users: a refused drawing in plain words, without WeChat's codes (other refusals use the answer's message).
        "errors": {
            "wechat_misconfigured": _("Logging in with WeChat is not available on this site right now. Please try again later or contact the site."),
            "wechat_unavailable": _("WeChat could not be reached. Please try again in a moment."),
        },
        # Try login (console staff): the cause and the code of a refused drawing.
        "try_failed": _("WeChat could not draw the login code"),
        "try_code": _("Code: %(error)s · WeChat %(api)s call · errcode %(errcode)s"),
        "try_no_errcode": _("none (no answer)"),
        "bind_title": _("One more step"),
        "bind_text": _("Link this WeChat to your account…"),
    }
