"""The code a ticket shows: drawn once per ticket (one WeChat call), kept for the ticket's life.

Drawn codes are kept in the shared cache (process memory while Redis is down), so reloading the
image, or a second request for it, never asks WeChat again. A refused drawing (WeChat's error or
ScanLogin's own spent budget, WECHAT_QUOTA) is written as a login event of the ticket and raised.
"""
from connections.qrcode import render_login_code
from connections.wechat.errors import WeChatError
from scanlogin.fallback import shared_cache

from .models import LoginTicket
from .tickets import public_state, seconds_left, ticket_wechat_failure

KEPT_AFTER_EXPIRY = 60  # seconds a drawn code outlives its ticket in the cache


def ticket_code_png(ticket: LoginTicket) -> bytes:
    """The PNG of the ticket's code; raises WeChatError when it cannot be drawn."""
    key = f"hostedlogin:qrcode:{ticket.key}"
    png = shared_cache.get(key)
    if png is None:
        try:
            png = render_login_code(connection=ticket.connection, scene=ticket.scene)
        except WeChatError as exc:
            ticket_wechat_failure(ticket, exc)
            raise
        shared_cache.set(key, png, timeout=max(1, int(seconds_left(public_state(ticket)))) + KEPT_AFTER_EXPIRY)
    return png
