"""The folder wordvec keeps its caches in: ``$WORDVEC_CACHE``, else the user's cache folder
(``platformdirs.user_cache_dir("wordvec")``). Downloads (``ptb/``), compiled runtime code
(``numba/``) and rescued models (``rescued/``) each get a subfolder of it."""
from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """``$WORDVEC_CACHE`` when set and not empty, else the user cache folder of wordvec."""
    import platformdirs

    return Path(os.environ.get("WORDVEC_CACHE") or platformdirs.user_cache_dir("wordvec"))
