"""A tqdm progress bar for the commands, shown only when the stream is a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from catalog.exchange.reader import Progress


@contextmanager
def terminal_progress(stream: TextIO) -> Iterator[Progress | None]:
    """Yield a progress callback drawing one bar per stage on `stream`, or None when it is not a TTY
    (logs and pipes stay clean)."""
    if not stream.isatty():
        yield None
        return
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            in_bytes = stage == "reading"
            bar = bars[stage] = tqdm(
                total=total,
                desc=stage,
                file=stream,
                leave=False,
                unit="B" if in_bytes else " records",
                unit_scale=in_bytes,
            )
        bar.total = total
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        for bar in bars.values():
            bar.close()
