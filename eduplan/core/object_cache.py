"""The figures' in-process cache: Django's local-memory cache without pickling.

A page's figures (statuses, the plan's work, reports due) are graphs of model instances:
pickling them on every write and unpickling them on every read cost a warm page more than
the rest of its work. Here a value is kept as the object itself and every reader of the
process gets that same object. So a cached value is never changed by its reader (the
builders make new lists and rows from what they read); a backend shared between
processes (FIGURES_CACHE_URL) pickles as usual.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

_stores: dict[str, OrderedDict[str, tuple[Any, float | None]]] = {}
_locks: dict[str, threading.Lock] = {}


class ObjectCache(BaseCache):
    """Keyed by LOCATION, as Django's local-memory cache: the least recently read go first
    past MAX_ENTRIES; an expired value is gone."""

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._store = _stores.setdefault(name, OrderedDict())
        self._lock = _locks.setdefault(name, threading.Lock())

    def _live(self, key: str) -> bool:
        found = self._store.get(key)
        if found is None:
            return False
        if found[1] is not None and found[1] <= time.time():
            del self._store[key]
            return False
        return True

    def _put(self, key: str, value: Any, timeout: Any) -> None:
        if key not in self._store and len(self._store) >= self._max_entries:
            for _ in range(max(1, len(self._store) // max(1, self._cull_frequency))):
                self._store.popitem(last=False)
        self._store[key] = (value, self.get_backend_timeout(timeout))
        self._store.move_to_end(key)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._live(key):
                return False
            self._put(key, value, timeout)
            return True

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if not self._live(key):
                return default
            self._store.move_to_end(key)
            return self._store[key][0]

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._put(key, value, timeout)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if not self._live(key):
                return False
            self._store[key] = (self._store[key][0], self.get_backend_timeout(timeout))
            return True

    def delete(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._store.pop(key, None) is not None

    def has_key(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._live(key)

    def clear(self) -> None:
        with self._lock:
            self._store.clear()
