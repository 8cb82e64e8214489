"""The signals that stop a run as Ctrl-C does, raised as :class:`~wordvec.errors.Interrupted`
in the main thread so that the stack unwinds through every clean-up (temporaries removed, a
checkpoint saved). Imports nothing heavy: the console script sets the handlers up before it
loads the command line, NumPy and Numba.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading

from .errors import Interrupted

#: Ctrl-C, the terminal closing (SIGHUP) and a polite kill (SIGTERM, as service managers and
#: job schedulers send).
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


@contextlib.contextmanager
def stop_signals_raise(ignore_after: bool = False):
    """Within it, :data:`STOP_SIGNALS` raise ``Interrupted(signum)`` in the main thread.
    Only the first raises: later ones, while the stack unwinds (removing temporaries, saving
    a checkpoint), are ignored so that the clean-up itself is not cut short. A signal the
    process was started with ignored stays ignored: ``nohup`` ignores SIGHUP so that the
    run outlives its terminal, a shell ignores SIGINT for a command it runs in the
    background. After it, the previous handlers are back, or with ``ignore_after`` the
    signals are ignored (the work is done; the process is exiting)."""
    if threading.current_thread() is not threading.main_thread():
        yield                      # signal handlers can only be set in the main thread
        return
    if not _depth:
        _finished.clear()          # a new command: its work is not done yet
    fired = []

    def handler(signum, frame):
        if fired or _finished.is_set():
            return
        if _raise_would_be_lost(frame):
            # Python drops an exception raised in a callback from C ("Exception ignored
            # in ..."): llvmlite's while Numba compiles, a weakref callback such as the
            # import system's module-lock clean-up or Numba's type disposal. The run would
            # go on: deliver the signal again a moment later.
            threading.Timer(REDELIVER_SECONDS, os.kill, (os.getpid(), signum)).start()
            return
        fired.append(signum)
        raise Interrupted(signum)

    previous = {}
    for number in _stop_signals():
        if signal.getsignal(number) is not signal.SIG_IGN:
            previous[number] = signal.signal(number, handler)
    _depth.append(None)
    try:
        yield
    finally:
        _depth.pop()
        for number, old in previous.items():
            signal.signal(number, signal.SIG_IGN if ignore_after else old)


def _stop_signals() -> list[int]:
    """The numbers of :data:`STOP_SIGNALS` this platform has."""
    return [getattr(signal, name) for name in STOP_SIGNALS if hasattr(signal, name)]


#: Set once a command's work is done (:func:`work_done`); the nesting of
#: :func:`stop_signals_raise` (the console script's, the command group's) in this process.
_finished = threading.Event()
_depth: list = []


def work_done() -> None:
    """The command's work is done (its output written): stop signals are ignored from now
    on, so that what is left (removing a checkpoint it no longer needs, the summary) is not
    cut short and the exit status says the work was done."""
    _finished.set()


#: How long a signal that arrived inside llvmlite waits to be delivered again.
REDELIVER_SECONDS = 0.05


#: Modules whose code runs inside callbacks from C, where a raised exception is dropped:
#: llvmlite's, the import system's and ``weakref.finalize``'s, and Numba's type cache's
#: weakref callback (``_on_type_disposal``; a CI run on Python 3.13 lost a Ctrl-C there).
_CALLBACK_MODULES = ("llvmlite", "importlib._bootstrap", "weakref", "numba.core.types.abstract")


def _raise_would_be_lost(frame, depth: int = 8) -> bool:
    """Whether one of the ``depth`` innermost frames runs code that C may have called back
    (llvmlite's, the import system's weakref callbacks, a ``__del__``), where a raise may be
    lost; a false alarm only delays the signal a little."""
    while frame is not None and depth:
        if (frame.f_globals.get("__name__", "").startswith(_CALLBACK_MODULES)
                or frame.f_code.co_name == "__del__"):
            return True
        frame, depth = frame.f_back, depth - 1
    return False


def interrupt_code(exc: BaseException) -> int:
    """The exit code for an interrupt: 128 + its signal (130 for a plain KeyboardInterrupt),
    as shells report a process a signal ended."""
    return 128 + getattr(exc, "signum", signal.SIGINT)


def signal_name(exc: BaseException) -> str:
    """``SIGTERM`` and the like, for an interrupt (``SIGINT`` for a plain KeyboardInterrupt)."""
    return signal.Signals(getattr(exc, "signum", signal.SIGINT)).name


def say_interrupted(exc: BaseException) -> int:
    """Say on standard error, in one line, that an interrupt stopped the command (the
    command group's words for it, and the console script's for one that came before the
    group: while the command line, NumPy or Numba loaded, while the options were read), and
    return its exit code (:func:`interrupt_code`). Needs nothing loaded; a standard error
    that is gone is no reason to fail."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"wordvec: interrupted ({signal_name(exc)}); stopped\n")
        sys.stderr.flush()
    return interrupt_code(exc)
