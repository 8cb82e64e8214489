"""A guard for tests of readers that must never wait on their input (a FIFO's open, an
endless device): past its time the test fails instead of hanging the suite."""
from __future__ import annotations

import contextlib
import signal


class Waited(BaseException):
    """Raised by the alarm: a BaseException, so no reader's ``except OSError`` takes it."""


@contextlib.contextmanager
def fails_if_waiting(seconds: int):
    """Within it, raise :class:`Waited` in the main thread after ``seconds``."""
    def waited(signum, frame):
        raise Waited(f"the reader waited on its input for {seconds} s")

    previous = signal.signal(signal.SIGALRM, waited)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
