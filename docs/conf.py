"""Sphinx configuration: the API reference, built from the docstrings.

Build (warnings are errors, as in CI)::

    pip install -e ".[docs]"
    sphinx-build -W --keep-going -b html docs /tmp/docs-html
"""
from __future__ import annotations

import sys
from pathlib import Path

# Document the working tree, whatever copy of wordvec is installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import wordvec  # noqa: E402

project = "wordvec"
author = "the wordvec authors"
copyright = "the wordvec authors, MIT licence"
version = release = wordvec.__version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode",
              "sphinx_click"]

exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list[str] = []

autodoc_default_options = {"members": True, "member-order": "bysource",
                           "show-inheritance": True}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
# A few docstrings have a Google-style section (``Attributes:`` of Vocab); the rest are
# plain prose, which napoleon leaves as it is.
napoleon_numpy_docstring = False
napoleon_use_ivar = True
# The docstrings write code as ``literal``; a single-backtick `text` is a literal too.
default_role = "literal"


_module = {"name": ""}


def _note_module(app, what, name, obj, options, lines):
    if what == "module":
        _module["name"] = name


def _skip_foreign(app, what, name, obj, skip, options):
    """Of a module's members, document only what that module or one of its submodules
    defines: a package page with ``:imported-members:`` (``wordvec.io``, whose names move
    between its submodules) then shows its API, never what it merely imported (``Path``,
    an error class of ``wordvec.errors``, ...)."""
    module = getattr(obj, "__module__", None)
    current = _module["name"]
    if what == "module" and isinstance(module, str) and current \
            and module != current and not module.startswith(current + "."):
        return True
    return None


def _plain_option_help(app, ctx, lines):
    """An option's help is plain text on the terminal: keep its ``|`` (``|f| >= 6``) from
    being read as a reST substitution."""
    for i, line in enumerate(lines):
        if line.startswith("    ") and not line.startswith("    | "):
            lines[i] = line.replace("|", "\\|")


def setup(app):
    app.connect("sphinx-click-process-options", _plain_option_help)
    app.connect("autodoc-process-docstring", _note_module)
    app.connect("autodoc-skip-member", _skip_foreign)
