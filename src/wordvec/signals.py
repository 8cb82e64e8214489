"""The signals that stop a run as Ctrl-C does, raised as :class:`~wordvec.errors.Interrupted`
in the main thread so that the stack unwinds through every clean-up (temporaries removed, a
checkpoint saved). Imports nothing heavy: the console script sets the handlers up before it
loads the command line, NumPy and Numba.
"""
from __future__ import annotations

import contextlib
import signal
import threading

from .errors import Interrupted

#: Ctrl-C, the terminal closing (SIGHUP) and a polite kill (SIGTERM, as service managers and
#: job schedulers send).
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


@contextlib.contextmanager
def stop_signals_raise(ignore_after: bool = False):
    """Within it, :data:`STOP_SIGNALS` raise ``Interrupted(signum)`` in the main thread.
    Only the first raises: later ones, while the stack unwinds (removing temporaries, saving
    a checkpoint), are ignored so that the clean-up itself is not cut short. After it, the
    previous handlers are back, or with ``ignore_after`` the signals are ignored (the work
    is done; the process is exiting)."""
    if threading.current_thread() is not threading.main_thread():
        yield                      # signal handlers can only be set in the main thread
        return
    fired = []

    def handler(signum, frame):
        if not fired:
            fired.append(signum)
            raise Interrupted(signum)

    previous = {}
    for name in STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, signal.SIG_IGN if ignore_after else old)


def interrupt_code(exc: BaseException) -> int:
    """The exit code for an interrupt: 128 + its signal (130 for a plain KeyboardInterrupt),
    as shells report a process a signal ended."""
    return 128 + getattr(exc, "signum", signal.SIGINT)


def signal_name(exc: BaseException) -> str:
    """``SIGTERM`` and the like, for an interrupt (``SIGINT`` for a plain KeyboardInterrupt)."""
    return signal.Signals(getattr(exc, "signum", signal.SIGINT)).name
