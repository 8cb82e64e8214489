"""``python -m wordvec`` and the ``wordvec`` console script.

The stop signals are set to raise before the command line (click, NumPy, Numba) is
imported, so that Ctrl-C, SIGTERM or SIGHUP at any moment of start-up exits 128 + the
signal's number with no traceback.
"""
import signal
import sys

from .errors import Interrupted


def run() -> None:
    def stop(signum, frame):
        raise Interrupted(signum)

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    try:
        from .cli import run as run_cli
    except KeyboardInterrupt as exc:
        sys.exit(128 + getattr(exc, "signum", signal.SIGINT))
    run_cli()


if __name__ == "__main__":
    run()
