"""The ``wordvec`` command line: the group and its shared machinery in :mod:`.base`, each
family of commands in a module of its own (:mod:`.train`, :mod:`.query`, :mod:`.files`,
:mod:`.tools`, :mod:`.demo`, :mod:`.compat`), registered on :func:`main` when imported
here."""
from . import compat, demo, explore, files, query, tools, train  # noqa: F401  (register commands)
from .base import UserError, main

__all__ = ["main", "UserError"]
