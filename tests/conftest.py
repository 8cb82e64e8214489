"""Shared fixtures: the real corpora of ``WORDVEC_DATA``.

Without ``WORDVEC_DATA`` the tests that need them skip with a reason; with
``WORDVEC_REQUIRE_DATA=1`` (set by ``.ci/run``) a missing corpus fails instead, so CI always
runs them.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest


def _data_file(name: str) -> Path:
    folder = os.environ.get("WORDVEC_DATA")
    path = Path(folder) / name if folder else None
    if path is not None and path.is_file():
        return path
    reason = (f"{name} not found: set WORDVEC_DATA to the folder holding it"
              if folder is None else f"{name} not found in WORDVEC_DATA={folder}")
    if os.environ.get("WORDVEC_REQUIRE_DATA") == "1":
        pytest.fail(reason + " (WORDVEC_REQUIRE_DATA=1 makes this a failure)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def data_file():
    """``data_file("ptb.train.txt")`` -> Path, or skip/fail as the module docstring says."""
    return _data_file
