"""Django's database sessions, without a look-up before each new session key.

Django's session store asks the database whether a fresh random key is taken (one SELECT) before
it INSERTs the session with `must_create`, and that INSERT already refuses a taken key (a unique
primary key: CreateError, and Django draws another). A key is 32 characters of 36 (165 bits): the
look-up only costs a query on every login.
"""
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    async def _aget_new_session_key(self) -> str:
        return self._get_new_session_key()
