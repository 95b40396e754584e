"""Values a worker process keeps between requests for a short time (plumbing: imports no app).

For facts that change a few times a year and are read on every request (the Site, the organiser settings, the
curriculum places of a quiz). Each process keeps a value for at most `ttl` seconds; `clear()` forgets them at
once in the process that changed the data (the caller's signal receivers), and the other workers follow within
the TTL. Learners' own records never belong here.
"""

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any


class ProcessCache:
    def __init__(self, ttl_seconds: float):
        self.ttl_seconds = ttl_seconds
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, read: Callable[[], Any]) -> Any:
        """The value kept under `key` if younger than the TTL, else `read()`, kept from now."""
        entry = self._entries.get(key)
        if entry is not None and time.monotonic() - entry[0] < self.ttl_seconds:
            return entry[1]
        value = read()
        with self._lock:
            self._entries[key] = (time.monotonic(), value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
