"""``python -m wordvec`` and the ``wordvec`` console script.

The stop signals are set to raise before the command line (click, NumPy, Numba) is
imported, so that Ctrl-C, SIGTERM or SIGHUP at any moment of start-up exits 128 + the
signal's number with one line and no traceback.
"""
import sys

from .signals import say_interrupted, stop_signals_raise


def run(main=None) -> None:
    """Run the command line ``main`` (default: :func:`wordvec.cli.main`, imported with the
    stop signals already raising); an interrupt anywhere, even before a command starts or
    after it ends, exits 128 + its signal, saying so in one line."""
    with stop_signals_raise(ignore_after=True):
        try:
            if main is None:
                from .cli import main
            main()
        except KeyboardInterrupt as exc:
            sys.exit(say_interrupted(exc))


if __name__ == "__main__":
    run()
