"""``python -m wordvec`` and the ``wordvec`` console script.

The stop signals are set to raise before the command line (click, NumPy, Numba) is
imported, so that Ctrl-C, SIGTERM or SIGHUP at any moment of start-up exits 128 + the
signal's number with no traceback.
"""
import sys

from .signals import interrupt_code, stop_signals_raise


def run(main=None) -> None:
    """Run the command line ``main`` (default: :func:`wordvec.cli.main`, imported with the
    stop signals already raising); an interrupt anywhere, even before a command starts or
    after it ends, exits 128 + its signal."""
    with stop_signals_raise(ignore_after=True):
        try:
            if main is None:
                from .cli import main
            main()
        except KeyboardInterrupt as exc:
            sys.exit(interrupt_code(exc))


if __name__ == "__main__":
    run()
