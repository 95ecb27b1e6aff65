"""Django's database sessions, without a look-up before each new session key.

Django's session store asks the database whether a fresh random key is taken (one SELECT) before
it INSERTs the session with `must_create`, and that INSERT already refuses a taken key (a unique
primary key: CreateError, and Django draws another). A key is 32 characters of base32 in lower case
(160 bits from the operating system's generator, all of them VALID_KEY_CHARS): the look-up only
costs a query on every login, and one urandom call costs less than Django's 32 draws of a
character. The new session's INSERT itself is plain SQL (`… ON CONFLICT DO NOTHING`: no row
written means the key was taken) instead of a model save in a transaction of its own: one
statement where there were three.
"""
import base64
import secrets

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import CreateError
from django.db import connections, router

from scanlogin.queries import insert_sql


class SessionStore(db.SessionStore):
    def _get_new_session_key(self) -> str:
        return base64.b32encode(secrets.token_bytes(20)).decode("ascii").lower()

    async def _aget_new_session_key(self) -> str:
        return self._get_new_session_key()

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None or not must_create:
            return super().save(must_create=must_create)  # (no key yet: create() draws one and comes back here)
        row = self.create_model_instance(self._get_session(no_load=True))
        connection = connections[router.db_for_write(self.model, instance=row)]
        sql, params = insert_sql(row, connection=connection)
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} ON CONFLICT DO NOTHING", params)
            if cursor.rowcount != 1:
                raise CreateError  # the key is taken: create() draws another
