"""``wordvec explore``: the JSON queries against WordVectors' own answers (Starlette's test
client), the parameter checks (400 and 404 with a message, never 500), that nothing is
written, the command's options, and the page itself in Debian's Chromium (Playwright)."""
from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import wordvec
from wordvec import projection
from wordvec.cli import main
from wordvec.io import save_model

starlette_testclient = pytest.importorskip("starlette.testclient")

pytestmark = pytest.mark.filterwarnings("ignore:.*httpx.*")  # Starlette's test-client notice

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(os.environ.get("WORDVEC_EXPLORE_SHOTS",
                            Path(tempfile.gettempdir()) / "explore-shots"))

#: Pairs differing by one direction each (gender, capital of), so that analogies have answers.
PAIRS = {"gender": [("king", "queen"), ("man", "woman"), ("boy", "girl"), ("prince", "princess"),
                    ("father", "mother"), ("son", "daughter"), ("brother", "sister")],
         "capital": [("france", "paris"), ("italy", "rome"), ("germany", "berlin"),
                     ("spain", "madrid"), ("japan", "tokyo"), ("england", "london")]}
GROUPS = {"animals": ["cat", "dog", "horse", "cow", "sheep", "lion", "tiger", "wolf"],
          "numbers": ["one", "two", "three", "four", "five", "six", "seven", "eight"],
          "colours": ["red", "green", "blue", "yellow", "black", "white", "orange", "purple"]}


def clustered_vectors(dim: int = 32, fillers: int = 300, seed: int = 0):
    """(words, (V, dim) float32): groups of related words around their own centres, pairs
    offset along a shared direction, and random filler words ``w0``... after them."""
    rng = np.random.default_rng(seed)
    words, rows = [], []
    for pairs in PAIRS.values():
        offset = rng.standard_normal(dim)
        centre = rng.standard_normal(dim) * 2
        for first, second in pairs:
            base = centre + rng.standard_normal(dim) * 0.8
            words += [first, second]
            rows += [base, base + offset]
    for members in GROUPS.values():
        centre = rng.standard_normal(dim) * 2
        words += members
        rows += [centre + rng.standard_normal(dim) * 0.6 for _ in members]
    words += [f"w{i}" for i in range(fillers)]
    rows += list(rng.standard_normal((fillers, dim)) * 1.5)
    return words, np.array(rows, dtype=np.float32)


@pytest.fixture(scope="module")
def vectors_file(tmp_path_factory) -> Path:
    words, vectors = clustered_vectors()
    path = tmp_path_factory.mktemp("explore") / "vectors.npz"
    save_model(path, words=words, counts=np.arange(len(words), 0, -1), W_in=vectors, config={})
    return path


@pytest.fixture(scope="module")
def wv(vectors_file):
    return wordvec.load(vectors_file, mmap=True)


@pytest.fixture(scope="module")
def client(wv):
    from wordvec.explore import create_app

    return starlette_testclient.TestClient(create_app(wv, source="vectors.npz"))


def pairs_of(scored: list[dict]) -> list[tuple[str, float]]:
    return [(item["word"], item["similarity"]) for item in scored]


def assert_same_scores(got: list[dict], expected) -> None:
    assert [w for w, _ in pairs_of(got)] == [w for w, _ in expected]
    np.testing.assert_allclose([s for _, s in pairs_of(got)], [s for _, s in expected],
                               atol=1e-6)


# ----------------------------------------------------------------- the queries
def test_the_vectors_are_memory_mapped(wv, client):
    assert isinstance(wv.vectors, np.memmap)
    body = client.get("/api/info").json()
    assert body["words"] == len(wv) and body["dim"] == wv.vector_size == 32
    assert body["memory_mapped"] is True and body["source"] == "vectors.npz"
    assert body["methods"][0] == "pca" and set(body["methods"]) <= {"pca", "tsne", "umap"}


@pytest.mark.parametrize("word, topn", [("king", 10), ("paris", 3), ("w7", 100), ("cat", 1)])
def test_neighbours_are_most_similar(client, wv, word, topn):
    response = client.get("/api/similar", params={"word": word, "topn": topn})
    assert response.status_code == 200
    body = response.json()
    assert body["word"] == word and len(body["neighbours"]) == topn
    assert_same_scores(body["neighbours"], wv.most_similar(word, topn=topn))


def test_the_default_is_ten_neighbours(client, wv):
    body = client.get("/api/similar?word=queen").json()
    assert_same_scores(body["neighbours"], wv.most_similar("queen", topn=10))


def test_analogy_is_most_similar_of_b_plus_c_minus_a(client, wv):
    body = client.get("/api/analogy", params={"a": "man", "b": "king", "c": "woman"}).json()
    expected = wv.most_similar(positive=["king", "woman"], negative=["man"], topn=5)
    assert_same_scores(body["answers"], expected)
    assert body["answers"][0]["word"] == "queen"          # the vectors are built so
    body = client.get("/api/analogy?a=france&b=paris&c=japan&topn=2").json()
    assert_same_scores(body["answers"], wv.analogy("france", "paris", "japan", topn=2))
    assert body["answers"][0]["word"] == "tokyo"


@pytest.mark.parametrize("w1, w2", [("king", "queen"), ("cat", "seven"), ("dog", "dog")])
def test_similarity_is_wv_similarity(client, wv, w1, w2):
    body = client.get("/api/similarity", params={"w1": w1, "w2": w2}).json()
    assert body["similarity"] == pytest.approx(wv.similarity(w1, w2), abs=1e-6)


def svd_scores(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reference, from numpy's SVD directly: (N, 2) scores on the two principal axes of
    X and the share of the variance each one explains."""
    centred = X - X.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    return u[:, :2] * s[:2], s[:2] ** 2 / (s ** 2).sum()


def test_the_map_of_the_top_words_is_their_pca(client, wv):
    body = client.get("/api/map?n=50&method=pca").json()
    assert body["words"] == wv.index_to_key[:50] and body["word"] is None
    xy = np.column_stack([body["x"], body["y"]])
    assert xy.shape == (50, 2)
    expected, explained = svd_scores(wv.unit_vectors(np.arange(50)).astype(np.float64))
    signs = np.sign((xy * expected).sum(axis=0))        # an axis' sign is a convention
    np.testing.assert_allclose(xy, expected * signs, atol=2e-6)
    np.testing.assert_allclose(body["explained"], explained, atol=1e-4)
    # The same request draws the same picture (signs fixed: largest score positive).
    assert client.get("/api/map?n=50&method=pca").json() == body
    assert all(xy[np.abs(xy[:, k]).argmax(), k] > 0 for k in range(2))


def test_the_map_of_a_neighbourhood_is_the_word_and_its_neighbours(client, wv):
    body = client.get("/api/map", params={"word": "lion", "n": 12}).json()
    neighbours = wv.most_similar("lion", topn=11)
    assert body["word"] == "lion" and body["words"] == ["lion"] + [w for w, _ in neighbours]
    np.testing.assert_allclose(body["similarity"], [1.0] + [s for _, s in neighbours], atol=1e-6)
    rows = np.array([wv.get_index(w) for w in body["words"]])
    expected, _ = svd_scores(wv.unit_vectors(rows).astype(np.float64))
    xy = np.column_stack([body["x"], body["y"]])
    np.testing.assert_allclose(np.abs(xy), np.abs(expected), atol=2e-6)


def test_the_map_is_no_larger_than_the_vocabulary(client, wv):
    body = client.get("/api/map?n=1000").json()
    assert len(body["words"]) == len(body["x"]) == len(wv)


@pytest.mark.skipif("tsne" not in projection.available(), reason="scikit-learn not installed")
def test_the_tsne_map_has_a_point_per_word(client):
    body = client.get("/api/map?word=king&n=20&method=tsne").json()
    xy = np.column_stack([body["x"], body["y"]])
    assert body["method"] == "tsne" and body["explained"] is None
    assert xy.shape == (20, 2) and np.isfinite(xy).all() and xy.std(axis=0).min() > 0


def test_a_method_not_installed_is_a_400_saying_what_to_install(client, monkeypatch):
    monkeypatch.setattr(projection, "available", lambda: ["pca"])
    response = client.get("/api/map?method=umap")
    assert response.status_code == 400
    assert response.json()["error"] == "the umap map needs umap-learn: pip install 'wordvec[plot]'"


def test_completions_are_the_most_frequent_words_with_the_prefix(client, wv):
    body = client.get("/api/complete?prefix=w1&limit=4").json()
    assert body["words"] == [w for w in wv.index_to_key if w.startswith("w1")][:4]
    assert client.get("/api/complete?prefix=zzz").json()["words"] == []


# ------------------------------------------------------------ what is refused
@pytest.mark.parametrize("url, word, suggestion", [
    ("/api/similar?word=King", "King", "king"),
    ("/api/similar?word=qeen", "qeen", "queen"),
    ("/api/analogy?a=man&b=king&c=wman", "wman", "woman"),
    ("/api/similarity?w1=cat&w2=Dog", "Dog", "dog"),
    ("/api/map?word=tigr", "tigr", "tiger"),
])
def test_an_unknown_word_is_a_404_with_suggestions(client, wv, url, word, suggestion):
    response = client.get(url)
    assert response.status_code == 404
    body = response.json()
    assert body["word"] == word and body["suggestions"][0] == suggestion
    with pytest.raises(KeyError) as raised:
        wv.get_index(word)
    assert body["error"] == raised.value.args[0]     # WordVectors' own message
    assert f"did you mean '{suggestion}'" in body["error"]


def test_an_unknown_word_without_close_spellings_has_none(client):
    body = client.get("/api/similar?word=%E2%98%83%E2%98%83%E2%98%83%E2%98%83").json()
    assert body == {"error": "word '☃☃☃☃' is not in the vocabulary", "word": "☃☃☃☃",
                    "suggestions": []}


BAD = [
    ("/api/similar?word=king&topn=0", "topn", "must be from 1 to 100, got 0"),
    ("/api/similar?word=king&topn=101", "topn", "must be from 1 to 100, got 101"),
    ("/api/similar?word=king&topn=-1", "topn", "expected a whole number from 1 to 100"),
    ("/api/similar?word=king&topn=2.5", "topn", "expected a whole number"),
    ("/api/similar?word=king&topn=abc", "topn", "expected a whole number"),
    ("/api/similar?word=king&topn=" + "9" * 400, "topn", "expected a whole number"),
    ("/api/similar?word=king&topn=%EF%BC%95", "topn", "expected a whole number"),  # fullwidth 5
    ("/api/similar?word=king&topn=", "topn", "expected a whole number"),
    ("/api/similar?word=", "word", "give a word (it is empty)"),
    ("/api/similar", "word", "missing"),
    ("/api/similar?word=" + "a" * 201, "word", "a word has at most 200 characters"),
    ("/api/similar?word=king&word=queen", "word", "given more than once"),
    ("/api/similar?word=king&top=5", "top", "unknown parameter 'top' (this query takes: word, "
                                            "topn)"),
    ("/api/analogy?a=man&b=king", "c", "missing"),
    ("/api/similarity?w1=cat", "w2", "missing"),
    ("/api/map?n=4", "n", "must be from 5 to 1000, got 4"),
    ("/api/map?n=1001", "n", "must be from 5 to 1000, got 1001"),
    ("/api/map?method=mds", "method", "must be one of pca, tsne, umap, got 'mds'"),
    ("/api/map?method=PCA", "method", "must be one of pca, tsne, umap"),
    ("/api/complete?prefix=w&limit=51", "limit", "must be from 1 to 50, got 51"),
    ("/api/info?x=1", "x", "unknown parameter 'x' (this query takes: none)"),
]


@pytest.mark.parametrize("url, parameter, message", BAD)
def test_a_bad_parameter_is_a_400_naming_it(client, url, parameter, message):
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter and message in body["error"]


@pytest.mark.parametrize("url", [
    "/api/similar?word=%00", "/api/similar?word=%ff%fe", "/api/similar?word=k%20ing",
    "/api/similarity?w1=%0A&w2=%09", "/api/analogy?a=%25&b=%26&c=%3D", "/api/map?word=%00",
    "/api/similar?word=king&topn=%00", "/api/map?n=%F0%9F%98%80", "/api/similar?=king",
    "/api/complete?prefix=%00&limit=0", "/api/similar?word=" + "%F0%9F%98%80" * 200,
    "/api/nothing", "/static/../pyproject.toml", "/static/", "/api/similar/king",
])
def test_hostile_requests_never_get_a_500(client, url):
    response = client.get(url)
    assert response.status_code in (400, 404), response.text
    assert response.json()["error"]


def test_only_get_is_answered(client):
    response = client.post("/api/similar?word=king")
    assert response.status_code == 405
    assert "only answers GET" in response.json()["error"]


def test_another_host_name_is_refused_where_hosts_are_listed(wv):
    from wordvec.explore import create_app

    app = create_app(wv, allowed_hosts=["127.0.0.1", "localhost"])
    near = starlette_testclient.TestClient(app, base_url="http://127.0.0.1:8000")
    far = starlette_testclient.TestClient(app, base_url="http://rebound.example.com")
    assert near.get("/api/info").status_code == 200
    assert far.get("/api/info").status_code == 400


def test_nothing_is_written(vectors_file, tmp_path, monkeypatch):
    from wordvec.explore import create_app

    copy = tmp_path / "vectors.npz"
    copy.write_bytes(vectors_file.read_bytes())
    monkeypatch.chdir(tmp_path)

    def snapshot():
        return {p.name: (p.stat().st_size, p.stat().st_mtime_ns,
                         hashlib.sha256(p.read_bytes()).hexdigest())
                for p in sorted(tmp_path.rglob("*"))}

    before = snapshot()
    client = starlette_testclient.TestClient(create_app(wordvec.load(copy, mmap=True)))
    for url in ["/", "/static/explore.js", "/api/info", "/api/similar?word=king",
                "/api/analogy?a=man&b=king&c=woman", "/api/similarity?w1=cat&w2=dog",
                "/api/map?n=30", "/api/map?word=cat&n=10", "/api/similar?word=kingg",
                "/api/similar?word=king&topn=0"]:
        client.get(url)
    assert snapshot() == before


# ------------------------------------------------------------------ the page
def test_the_page_and_its_assets_come_from_the_server(client):
    import plotly

    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="(/[^"]*)"', page.text)
    assert sorted(assets) == ["/static/explore.css", "/static/explore.js",
                              "/static/plotly.min.js"]
    for url in assets:
        response = client.get(url)
        assert response.status_code == 200 and response.content
    shipped = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert client.get("/static/plotly.min.js").content == shipped.read_bytes()
    # Nothing of our own page reaches for the network; the browser is told to refuse it too.
    for url in ["/", "/static/explore.js", "/static/explore.css"]:
        assert not re.search(r"https?://", client.get(url).text), url
    assert "default-src 'self'" in page.headers["content-security-policy"]


# ---------------------------------------------------------------- the command
def invoke(*args):
    return CliRunner().invoke(main, ["explore", *map(str, args)])


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_the_port_is_checked(vectors_file, port):
    result = invoke(vectors_file, "--port", port)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "--port" in result.output


def test_a_port_in_use_is_one_line(vectors_file):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = invoke(vectors_file, "--port", port)
    assert result.exit_code == 2
    assert result.output == (f"wordvec: error: port {port} on 127.0.0.1 is already in use "
                             "(another server?); pass --port with a free one\n")


def test_a_missing_file_is_one_line(tmp_path):
    result = invoke(tmp_path / "nothing.npz")
    assert result.exit_code == 2
    assert result.output == f"wordvec: error: vector file not found: {tmp_path / 'nothing.npz'}\n"


@pytest.mark.parametrize("module", ["starlette", "uvicorn", "plotly"])
def test_a_missing_extra_says_what_to_install(vectors_file, monkeypatch, module):
    monkeypatch.setitem(sys.modules, module, None)      # import fails as if not installed
    result = invoke(vectors_file)
    assert result.exit_code == 2
    assert result.output == (f"wordvec: error: wordvec explore needs {module}, which is not "
                             "installed: pip install 'wordvec[explore]'\n")


def test_another_host_than_loopback_is_warned_about(vectors_file, monkeypatch):
    from wordvec.cli import explore as command

    served = []
    monkeypatch.setattr(command, "_serve", lambda uvicorn, app, sock: served.append(sock.close()))
    result = invoke(vectors_file, "--host", "0.0.0.0", "--port", free_port())
    assert result.exit_code == 0 and len(served) == 1
    assert result.output.startswith("wordvec: warning: serving on 0.0.0.0, not on this machine "
                                    "alone: anyone who can reach port ")
    served.clear()
    result = invoke(vectors_file, "--port", free_port())
    assert result.exit_code == 0 and len(served) == 1 and "warning" not in result.output
    assert "words, 32 dimensions" in result.output


def test_an_unknown_host_is_one_line(vectors_file):
    result = invoke(vectors_file, "--host", "no such host!")
    assert result.exit_code == 2 and len(result.output.splitlines()) == 1
    assert result.output.startswith("wordvec: error: cannot serve on host 'no such host!'")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``wordvec explore VECTORS`` in a subprocess on a free port, until stopped."""

    def __init__(self, vectors: Path, *extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wordvec", "explore", str(vectors), "--port",
             str(self.port), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._wait()

    def _wait(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server stopped: {self.process.stderr.read()!r}")
            try:
                urllib.request.urlopen(self.url + "api/info", timeout=2).read()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not answer within a minute")

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(2)      # SIGINT: Ctrl-C
        _, err = self.process.communicate(timeout=30)
        return self.process.returncode, err.decode()


@pytest.mark.slow
def test_the_server_runs_and_stops_on_ctrl_c(vectors_file):
    server = Server(vectors_file)
    with urllib.request.urlopen(server.url + "api/similar?word=king&topn=3") as answer:
        assert b'"neighbours"' in answer.read()
    code, err = server.stop()
    assert code == 130
    assert f"open {server.url} (Ctrl-C to stop)" in err
    assert err.rstrip().endswith("wordvec: interrupted (SIGINT); stopped")


# ----------------------------------------------------------- in a real browser
def browser_or_skip():
    """Playwright's sync API, or skip (fail with WORDVEC_REQUIRE_BROWSER=1) saying what is
    missing."""
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        from playwright import sync_api
    except ImportError:
        reason = reason or "playwright is not installed (pip install playwright)"
    if reason:
        if os.environ.get("WORDVEC_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (WORDVEC_REQUIRE_BROWSER=1 makes this a failure)")
        pytest.skip(reason)
    return sync_api


def assert_not_blank(png: bytes) -> None:
    """A screenshot of the whole 1400-pixel-wide page with a picture on it: hundreds of
    colours (the map's colour scale, text), not one background."""
    from io import BytesIO

    from PIL import Image

    image = np.asarray(Image.open(BytesIO(png)).convert("RGB"))
    assert image.shape[1] == 1400 and image.shape[0] >= 800
    colours = np.unique(image.reshape(-1, 3), axis=0)
    assert len(colours) > 200, f"only {len(colours)} colours"


def shown_pairs(page, selector: str) -> list[tuple[str, float]]:
    items = page.locator(f"{selector} li")
    return [(items.nth(i).locator(".word").inner_text(),
             float(items.nth(i).locator(".score").inner_text())) for i in range(items.count())]


def expect_same(shown, expected) -> None:
    assert [w for w, _ in shown] == [w for w, _ in expected]
    np.testing.assert_allclose([s for _, s in shown], [s for _, s in expected], atol=6e-4)


@pytest.fixture
def page(vectors_file):
    sync_api = browser_or_skip()
    server = Server(vectors_file)
    problems: list[str] = []
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            # A 404 of an unknown word is an answer, logged by Chromium as a failed load.
            page.on("console", lambda m: m.type == "error" and "status of 404" not in m.text
                    and problems.append(m.text))
            page.on("response", lambda r: r.status >= 500
                    and problems.append(f"{r.status} for {r.url}"))
            page.on("request", lambda r: r.url.startswith(server.url)
                    or problems.append(f"a request elsewhere: {r.url}"))
            page.goto(server.url)
            page.wait_for_selector("body[data-ready=yes]")
            yield page
            browser.close()
    finally:
        server.stop()
    assert not problems


@pytest.mark.slow
def test_the_page_finds_neighbours_solves_analogies_and_maps(page, wv):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    expect(page.locator("#map .gtitle")).to_contain_text("most frequent")   # on load
    page.fill("#word", "king")
    page.press("#word", "Enter")
    expect(page.locator("#neighbours li")).to_have_count(10)
    expect_same(shown_pairs(page, "#neighbours"), wv.most_similar("king", topn=10))
    expect(page.locator("#map .gtitle")).to_contain_text("around “king”")

    page.fill("#a", "man")
    page.fill("#b", "king")
    page.fill("#c", "woman")
    page.click("#analogy-form button")
    expect(page.locator("#answers li")).to_have_count(5)
    expect_same(shown_pairs(page, "#answers"),
                wv.most_similar(positive=["king", "woman"], negative=["man"], topn=5))

    page.fill("#w1", "cat")
    page.fill("#w2", "dog")
    page.click("#pair-form button")
    expect(page.locator("#pair-result .score")).to_have_count(1)
    assert float(page.inner_text("#pair-result .score")) == pytest.approx(
        wv.similarity("cat", "dog"), abs=6e-4)
    assert_not_blank(page.screenshot(path=str(SHOTS / "explore.png"), full_page=True))

    # Hover a point of the map: its word shows; click it: that word is searched.
    hovered = page.evaluate("document.getElementById('map').data[0].customdata[3]")
    box = page.locator("#map .point").nth(3).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    expect(page.locator("#map .hovertext")).to_contain_text(hovered)
    page.mouse.click(x, y)
    expect(page.locator("#word")).to_have_value(hovered)
    expect(page.locator("#neighbours li .word").first).to_have_text(
        wv.most_similar(hovered, topn=1)[0][0])
    expect_same(shown_pairs(page, "#neighbours"), wv.most_similar(hovered, topn=10))


@pytest.mark.slow
def test_the_page_shows_suggestions_for_an_unknown_word(page, wv):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.fill("#word", "Queen")
    page.press("#word", "Enter")
    expect(page.locator("#search-message")).to_contain_text("is not in the vocabulary")
    page.locator("#search-message .suggestion").first.click()
    expect(page.locator("#neighbours li")).to_have_count(10)
    expect_same(shown_pairs(page, "#neighbours"), wv.most_similar("queen", topn=10))
    page.select_option("#map-scope", "top")
    expect(page.locator("#map .gtitle")).to_contain_text("most frequent")
    assert_not_blank(page.screenshot(path=str(SHOTS / "explore-top.png")))
