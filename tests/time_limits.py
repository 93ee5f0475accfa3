"""A per-case time limit for tests that feed hostile or generated input: a case that runs
too long fails with :class:`Expired` instead of hanging the suite."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


class Expired(BaseException):
    """Past the time limit (a BaseException: the rule engine turns Exceptions into findings)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail the block (not hang it) when it runs longer than ``seconds`` (main thread only)."""

    def expire(signum: int, frame: object) -> None:
        raise Expired(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
