"""Configuration rows kept in process memory: pools, applications, connections and their links.

Every step of a login reads the same few configuration rows again (the pool in the URL, the
application, the connection, whether the connection is switched on for the application): about
a dozen SELECTs per complete login, of rows that change a few times a day. A process keeps what
it read, keyed by what was asked, and forgets all of it whenever configuration changes:

- a save or delete of a watched model (`watch()`: UserPool, Application, Connection and
  ConnectionApplication, through Django's signals), or `changed()` after a queryset `.update()`,
  clears this process's copy at once and, when the transaction commits, writes a new generation
  token to the shared cache (Redis);
- each process compares its generation with the shared one at most every CONFIG_CACHE_SECONDS
  (default 1 s) and forgets everything when it moved: a change made in any process (console,
  management API, a management command) reaches every process within that time;
- from the moment any Redis call of the process fails until Redis answers again, and without Redis
  at all (no shared generation to compare with), nothing is kept: every read goes to the database,
  as it did before;
- nothing read inside a transaction is kept (the transaction may still roll back);
- whatever is kept is read again at least every MAX_AGE_SECONDS (a minute), whatever happened: a
  change that no signal reported (raw SQL in a shell, say) is seen that late at the latest.

Callers receive their own copy of a row (Django's copy of a model instance), never the one kept.
"""
import secrets
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_delete, post_save

from .fallback import redis_breaker, shared_cache

GENERATION_KEY = "scanlogin:config-generation"
MAX_ENTRIES = 10_000  # pools × applications × connections of one deployment; past this, start over
MAX_AGE_SECONDS = 60  # a safety net: a change no signal reported (raw SQL) is read at most this late


class ConfigCache:
    def __init__(self):
        self._entries: dict = {}
        self._epoch = 0  # bumped by every clear: a read that began before a clear is not kept
        self._generation = None
        self._checked_until = 0.0
        self._cleared_at = time.monotonic()
        self._lock = threading.Lock()

    # reading ---------------------------------------------------------------------------------
    def get(self, key: tuple, load: Callable):
        """The value of `load()` for `key`, from memory when this process still trusts it.
        None (nothing found) is not kept: an unknown slug or client_id is asked of the database."""
        if not self._usable():
            return load()
        found = self._entries.get(key, _MISSING)
        if found is not _MISSING:
            return _copied(found)
        epoch = self._epoch
        value = load()
        if value is not None and not db_connection.in_atomic_block:
            with self._lock:
                if epoch == self._epoch:
                    if len(self._entries) >= MAX_ENTRIES:
                        self._entries = {}
                    self._entries[key] = value
            return _copied(value)
        return value

    def _usable(self) -> bool:
        seconds = getattr(settings, "CONFIG_CACHE_SECONDS", 1)
        if not seconds or not getattr(settings, "REDIS_URL", ""):
            return False
        if redis_breaker.down:  # Redis failed (any caller) and has not answered since: keep nothing
            if self._entries:
                self.clear()
            return False
        now = time.monotonic()
        if now - self._cleared_at > MAX_AGE_SECONDS:
            self.clear()
        if now < self._checked_until:
            return True
        ok, generation = shared_cache.shared("get", GENERATION_KEY)
        if not ok:
            if redis_breaker.down:  # Redis is down: no way to hear of changes made elsewhere, so keep nothing
                self.clear()
            return False  # (else a busy moment: this read goes to the database, and the next one checks again)
        if generation != self._generation:
            self.clear()
            self._generation = generation
        self._checked_until = now + seconds
        return True

    # forgetting ------------------------------------------------------------------------------
    def clear(self) -> None:
        """Forget this process's copy (and check the shared generation on the next read)."""
        with self._lock:
            self._entries = {}
            self._epoch += 1
            self._checked_until = 0.0
            self._cleared_at = time.monotonic()

    def changed(self) -> None:
        """Configuration changed: forget it here now, and everywhere once the transaction commits."""
        self.clear()
        transaction.on_commit(self._publish)

    def _publish(self) -> None:
        self.clear()
        shared_cache.shared("set", GENERATION_KEY, secrets.token_hex(8), timeout=None)


_MISSING = object()


def _copied(value):
    if isinstance(value, Model):
        return model_copy(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_copied(item) for item in value)
    return value  # frozensets, strings, numbers: immutable


def model_copy(instance: Model) -> Model:
    """What copy.copy(instance) gives (Model.__getstate__: the instance's own attributes, its own
    state and fields cache, the cached related rows shared), without the pickle protocol's round
    trip: copy.copy of these rows was about a twentieth of a login's CPU, some twenty copies per login."""
    state = ModelState.__new__(ModelState)
    state.__dict__.update(instance._state.__dict__)
    state.fields_cache = dict(instance._state.fields_cache)
    new = instance.__class__.__new__(instance.__class__)
    new.__dict__.update(instance.__dict__)
    new._state = state
    return new


config_cache = ConfigCache()


def _on_change(sender, **kwargs):
    config_cache.changed()


def watch(*models) -> None:
    """Forget the kept configuration whenever a row of these models is saved or deleted."""
    for model in models:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"config-cache-save-{model._meta.label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"config-cache-delete-{model._meta.label}")
