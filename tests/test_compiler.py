"""Loading Numba (wordvec.compiler): a cached kernel of wordvec's loads without Numba's
lowering registries and with Numba's runtime read from wordvec's cache, training the same
vectors; a kernel that is not cached, or a function that is not wordvec's, is compiled or
loaded as Numba does it; a torn, foreign or unreadable runtime file is compiled over."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from wordvec import Word2Vec
from wordvec.compiler import _MAGIC

PROBE = """
import json, sys
from wordvec.compiler import require_numba
require_numba()
from wordvec import scan
ids, _ = scan.TokenScanner(1001, 100).scan(b"a b a\\n")
state = {"ids": ids.tolist(), "hits": sum(scan._scan_piece.stats.cache_hits.values()),
         "registries": "numba.np.linalg" in sys.modules, "scipy": "scipy.linalg" in sys.modules}
import numba, numpy as np
@numba.njit
def product(a, b):
    return np.dot(a, b)
a = np.arange(9.0).reshape(3, 3)
state["dot"] = bool(np.allclose(product(a, a), a @ a))
state["registries_after"] = "numba.np.linalg" in sys.modules
print(json.dumps(state))
"""

TRAIN = """
import hashlib, sys
from wordvec import Word2Vec
m = Word2Vec(dim=16, min_count=1, epochs=2, threads=1, seed=3, model=sys.argv[2])
m.fit(sys.argv[1])
print(hashlib.sha256(m.wv.vectors.tobytes()).hexdigest(), "numba.np.linalg" in sys.modules)
"""


def _python(code: str, cache: Path, *args: str, **env_extra: str) -> str:
    env = {**os.environ, "WORDVEC_CACHE": str(cache), **env_extra}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _probe(cache: Path) -> dict:
    return json.loads(_python(PROBE, cache))


def _runtime_files(cache: Path) -> list[Path]:
    return sorted((cache / "numba").glob("runtime-*.bin"))


def test_cached_kernel_loads_without_the_registries_and_compiling_still_gets_them(tmp_path):
    _probe(tmp_path)                       # compiles the scanner if no run has yet
    state = _probe(tmp_path)
    assert state == {"ids": [0, 1, 0], "hits": 1, "registries": False, "scipy": False,
                     "dot": True, "registries_after": True}
    files = _runtime_files(tmp_path)
    assert len(files) == 1 and files[0].read_bytes().startswith(_MAGIC)
    assert files[0].stat().st_mode & 0o077 == 0


def test_training_loaded_without_the_registries_gives_the_same_vectors(tmp_path):
    corpus = tmp_path / "corpus.txt"
    rng = np.random.default_rng(0)
    corpus.write_text("\n".join(" ".join(f"w{int(z)}" for z in rng.zipf(1.5, 40) % 200)
                                for _ in range(200)) + "\n")
    for model in ("cbow", "skipgram"):
        _python(TRAIN, tmp_path, str(corpus), model)
        digest, registries = _python(TRAIN, tmp_path, str(corpus), model).split()
        here = Word2Vec(dim=16, min_count=1, epochs=2, threads=1, seed=3, model=model)
        here.fit(str(corpus))
        assert digest == hashlib.sha256(here.wv.vectors.tobytes()).hexdigest()
        assert registries == "False"


def test_runtime_file_is_reused_and_a_bad_one_is_compiled_over(tmp_path):
    _probe(tmp_path)
    (path,) = _runtime_files(tmp_path)
    good, inode = path.read_bytes(), path.stat().st_ino
    _probe(tmp_path)
    assert path.stat().st_ino == inode and path.read_bytes() == good   # read, not rewritten
    head = len(_MAGIC)
    flipped = bytearray(good)
    flipped[-1] ^= 1
    other_key = bytearray(good)
    other_key[head] ^= 1
    bad = {"empty": b"", "torn": good[:-7], "flipped": bytes(flipped),
           "other key": bytes(other_key), "not ours": b"\x7fELF" + good[4:],
           "too large": good + b"\0" * (1 << 20)}
    for name, data in bad.items():
        path.write_bytes(data)
        assert _probe(tmp_path)["ids"] == [0, 1, 0], name
        assert path.read_bytes() == good, name


def test_runtime_path_that_is_a_fifo_a_link_or_unwritable_is_never_waited_on_or_followed(tmp_path):
    _probe(tmp_path)
    (path,) = _runtime_files(tmp_path)
    good = path.read_bytes()
    path.unlink()
    os.mkfifo(path)
    assert _probe(tmp_path)["ids"] == [0, 1, 0]          # a FIFO is never opened to wait
    assert path.read_bytes() == good                       # replaced by the runtime
    elsewhere = tmp_path / "elsewhere.bin"
    elsewhere.write_bytes(b"not a runtime")
    path.unlink()
    path.symlink_to(elsewhere)
    assert _probe(tmp_path)["ids"] == [0, 1, 0]
    assert not path.is_symlink() and path.read_bytes() == good   # the link is replaced,
    assert elsewhere.read_bytes() == b"not a runtime"              # never written through
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    assert _probe(blocker)["ids"] == [0, 1, 0]             # no cache folder can be made


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="giving a file to another user needs root")
def test_runtime_file_of_another_user_is_not_loaded(tmp_path):
    _probe(tmp_path)
    (path,) = _runtime_files(tmp_path)
    inode = path.stat().st_ino
    os.chown(path, 12345, 12345)
    assert _probe(tmp_path)["ids"] == [0, 1, 0]
    assert path.stat().st_ino != inode and path.stat().st_uid == os.geteuid()


def test_a_cached_function_that_is_not_wordvecs_loads_as_numba_loads_it(tmp_path):
    module = tmp_path / "theirs.py"
    module.write_text("from numba import njit\n@njit(cache=True)\ndef twice(x):\n"
                      "    return 2 * x\n")
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "from wordvec.compiler import require_numba; require_numba()\n"
            "import theirs; print(theirs.twice(21), sum(theirs.twice.stats.cache_hits.values()),"
            " 'numba.np.linalg' in sys.modules)")
    _python(code, tmp_path, str(tmp_path))
    assert _python(code, tmp_path, str(tmp_path)).split() == ["42", "1", "True"]
