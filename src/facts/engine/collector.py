"""Cyclic garbage collection held off while many short-lived objects are made.

Reading a document makes thousands of hits, matches and claims, and a check run a million facts; each
set off a collection every few hundred allocations although reference counting frees them anyway, and
none of them is part of a cycle.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block; a block inside another leaves it to the outer one."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
