"""``wordvec explore``: serve a local web page to search, compare and map a vector file
(:mod:`wordvec.explore`). Starlette, uvicorn and plotly (the ``[explore]`` extra) are
imported only when the command runs."""
from __future__ import annotations

import errno
import ipaddress
import socket

import click

from .base import UserError, _load_vectors, main, vectors_argument

INSTALL = "pip install 'wordvec[explore]'"
#: The names a loopback-bound server answers to (its Host header): see create_app.
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


@main.command()
@vectors_argument
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="TCP port to serve on (1-65535)")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to serve on; another than this machine's loopback makes the "
                   "vectors readable by anyone who can reach it")
def explore(vectors, port, host):
    """Serve a web page to explore VECTORS: nearest neighbours, analogies, the similarity of
    two words and a 2-D map (PCA; t-SNE and UMAP with the [plot] extra).

    VECTORS is any file `wordvec similar` reads; a native .npz model is memory-mapped, so a
    large vocabulary opens at once. The page and everything it needs are served from here
    (it works offline) and it never writes a file. Stop it with Ctrl-C.

    \b
    Examples:
      wordvec explore vectors.npz                 (then open http://127.0.0.1:8000/)
      wordvec explore vectors.bin --port 8080
    """
    uvicorn, create_app = _explore_modules()
    wv = _load_vectors(vectors, mmap=True)
    sock = _bind(host, port)
    loopback = _is_loopback(sock)
    if not loopback:
        click.echo(f"wordvec: warning: serving on {host}, not on this machine alone: anyone "
                   f"who can reach port {port} there can read the vectors", err=True)
    app = create_app(wv, source=vectors.name,
                     allowed_hosts=LOOPBACK_NAMES if loopback else None)
    click.echo(f"wordvec explore: {len(wv):,} words, {wv.vector_size} dimensions, from "
               f"{vectors}\nopen {_url(host, port)} (Ctrl-C to stop)", err=True)
    _serve(uvicorn, app, sock)


def _explore_modules():
    """(uvicorn, wordvec.explore.create_app), or one line saying how to install them."""
    try:
        import plotly  # noqa: F401  (the page's plotly.js comes from it)
        import starlette  # noqa: F401
        import uvicorn

        from ..explore import create_app
    except ImportError as exc:
        name = exc.name or "a module"
        raise UserError(f"wordvec explore needs {name}, which is not installed: "
                        f"{INSTALL}") from None
    return uvicorn, create_app


def _bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``, bound here so that an address in use, a
    host unknown or a port not allowed is one line, before the server starts."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise UserError(f"cannot serve on host {host!r}: {exc}; pass --host with an "
                        "address of this machine (default 127.0.0.1)") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UserError(_bind_problem(host, port, exc)) from None
    sock.setblocking(False)
    return sock


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"port {port} on {host} is already in use (another server?); pass --port "
                "with a free one")
    if exc.errno == errno.EACCES:
        return f"not allowed to serve on port {port}; pass --port with one above 1023"
    return f"cannot serve on {host} port {port}: {exc.strerror or exc}"


def _is_loopback(sock: socket.socket) -> bool:
    try:
        return ipaddress.ip_address(sock.getsockname()[0]).is_loopback
    except ValueError:
        return False


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _serve(uvicorn, app, sock: socket.socket) -> None:
    """Run ``app`` on ``sock`` until a stop signal (uvicorn shuts down, then the command
    line reports the signal)."""
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            server_header=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
