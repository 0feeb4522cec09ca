"""Per-process memory of what is costly to load and changes rarely, kept until the index version moves."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

from search.models import IndexVersion

T = TypeVar("T")


def in_transaction() -> bool:
    """Inside a transaction a process may read what it has not committed and may yet roll back; what it
    reads there is never kept for later."""
    return connection.in_atomic_block


def until_index_changes(loader: Callable[[], T]) -> Callable[[], T]:
    """Memoise `loader()`; load again after any change that bumps the index version."""
    lock = threading.Lock()
    memory: dict[str, object] = {}

    @functools.wraps(loader)
    def load() -> T:
        if in_transaction():
            return loader()
        state = IndexVersion.state()
        with lock:
            if memory.get("state") != state:
                memory["value"] = loader()
                memory["state"] = state
            return memory["value"]  # type: ignore[return-value]

    load.forget = memory.clear  # type: ignore[attr-defined]
    return load
