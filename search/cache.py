"""Per-process memory of what is costly to load and changes rarely: what comes from the taxonomy (fields,
countries, their strengths), kept until the taxonomy stamp moves."""

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


def until_taxonomy_changes(loader: Callable[[], T]) -> Callable[[], T]:
    """Memoise `loader()`; load again after a change of fields, countries or strengths."""
    lock = threading.Lock()
    memory: dict[str, object] = {}

    @functools.wraps(loader)
    def load() -> T:
        if in_transaction():
            return loader()
        state = IndexVersion.taxonomy_state()
        with lock:
            if memory.get("state") != state:
                memory["value"] = loader()
                memory["state"] = state
            return memory["value"]  # type: ignore[return-value]

    return load
