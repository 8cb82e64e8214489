"""Loading Numba (wordvec.compiler): its registries load without SciPy's linear algebra,
which no kernel of ours calls, and compiled code that does use BLAS still gets it."""
from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
{before}
from wordvec.compiler import require_numba
require_numba()
from wordvec.scan import TokenScanner
ids, _ = TokenScanner(1001, 100).scan(b"a b a\\n")
state = {{"ids": ids.tolist(), "linalg": "scipy.linalg" in sys.modules,
          "hidden": "scipy.linalg.cython_blas" in sys.modules
                    and sys.modules["scipy.linalg.cython_blas"] is None}}
import numba, numpy as np
@numba.njit
def product(a, b):
    return np.dot(a, b)
a = np.arange(9.0).reshape(3, 3)
state["dot"] = bool(np.allclose(product(a, a), a @ a))
state["hidden_after"] = sys.modules.get("scipy.linalg.cython_blas", 0) is None
print(json.dumps(state))
"""


def _run(before: str = "") -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE.format(before=before)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_numba_loads_without_scipy_linalg_and_blas_still_works():
    state = _run()
    assert state == {"ids": [0, 1, 0], "linalg": False, "hidden": False, "dot": True,
                     "hidden_after": False}


def test_scipy_imported_before_is_left_as_it_is():
    state = _run("import scipy.linalg")
    assert state["linalg"] and not state["hidden"] and state["dot"]
