"""``python -m wordvec.cli``: the command line, as ``python -m wordvec`` runs it."""
from wordvec.__main__ import run

from . import main

if __name__ == "__main__":  # pragma: no cover
    run(main)
