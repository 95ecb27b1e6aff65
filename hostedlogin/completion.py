"""The last step of every hosted login, whichever way it ended (the exchange or the bind page)."""
from accounts.services import end_user_mark_login
from accounts.sessions import login_end_user

from .redirects import after_login_redirect


def login_complete(request, *, ticket, user, identity) -> str:
    """Start the end user's session on the pool's hosted login (a new session key), record the
    login time, and return the URL the browser goes to next."""
    login_end_user(request, user, identity=identity, connection_id=ticket.connection_id)
    end_user_mark_login(user)
    return after_login_redirect(request=request, ticket=ticket, user=user)
