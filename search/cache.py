"""Per-process memory of what is costly to load and changes rarely, kept until the index version moves."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

from search.models import IndexVersion

T = TypeVar("T")


def until_index_changes(loader: Callable[[], T]) -> Callable[[], T]:
    """Memoise `loader()`; load again after any change that bumps the index version."""
    lock = threading.Lock()
    memory: dict[str, object] = {}

    @functools.wraps(loader)
    def load() -> T:
        version = IndexVersion.current()
        with lock:
            if memory.get("version") != version:
                memory["value"] = loader()
                memory["version"] = version
            return memory["value"]  # type: ignore[return-value]

    load.forget = memory.clear  # type: ignore[attr-defined]
    return load
