"""Rules of the package's structure, read from the source with ``ast`` (nothing is imported).

- No import cycle among ``wordvec``'s modules. Every ``import`` / ``from ... import`` of a
  ``wordvec`` module counts, absolute or relative, at module level and inside functions (a
  lazy import still ties the two modules together); only those under ``if TYPE_CHECKING:``
  (never run) and under ``if __name__ == "__main__":`` (run only when the file is executed
  as a script, as the module ``__main__``, not as the package's module) are left out. A
  package's ``__init__`` is the package; ``from . import x`` where ``x`` is a submodule
  imports ``x``; importing ``a.b.c`` also runs the ``__init__`` of ``a`` and ``a.b``, so it
  counts as importing those packages too (except the importer's own parent packages, which
  are always set up before it).
- The optional extras (matplotlib, gensim, ray, scikit-learn, umap) are imported only inside
  functions, so that ``import wordvec.<anything>`` works without them.
- ``wordvec.checkpoint`` does not import ``wordvec.engine``: a checkpoint is read and written
  without the training engine.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "wordvec"
SOURCE = Path(__file__).resolve().parents[1] / "src" / PACKAGE

#: Top-level modules of the optional extras; the core may import them only in functions.
EXTRAS = ("matplotlib", "gensim", "ray", "sklearn", "umap", "starlette", "uvicorn", "plotly")


@dataclass(frozen=True)
class Import:
    """One imported module: where the statement is, and whether it runs at import time."""

    target: str        # dotted module name, e.g. "wordvec.vocab" or "matplotlib.pyplot"
    line: int
    in_function: bool


def _modules() -> dict[str, Path]:
    """Dotted name -> source file, for every module of the package (``__init__.py`` -> the
    package). While a module is being turned into a package of the same name both files may
    exist; the package wins, as it does for ``import``."""
    found: dict[str, Path] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        rel = path.relative_to(SOURCE.parent).with_suffix("")
        parts = rel.parts
        if any(p.startswith(".") or p == "__pycache__" for p in parts):
            continue
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        if is_package or name not in found:
            found[name] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return ((isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
            or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _is_script_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"``: the block runs when the file is run as a script."""
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "__name__" and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


def _imports(tree: ast.Module, module: str, is_package: bool) -> list[Import]:
    """Every module named by an import statement of ``tree`` (relative ones resolved),
    except under ``if TYPE_CHECKING:`` and ``if __name__ == "__main__":``. ``from X import
    y`` gives ``X.y`` (a submodule, if it is one: the caller decides) and ``X``."""
    here = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and (_is_type_checking(node.test)
                                         or _is_script_guard(node.test)):
            for child in node.orelse:  # the else branch does run
                visit(child, in_function)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(alias.name, node.lineno, in_function))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = here.split(".")
                base_parts = parts[:len(parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.append(Import(base, node.lineno, in_function))
            for alias in node.names:
                if alias.name != "*":
                    found.append(Import(f"{base}.{alias.name}", node.lineno, in_function))
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                 ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return found


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _graph() -> dict[str, dict[str, int]]:
    """module -> {imported package module: line of the first such import}."""
    modules = _modules()
    graph: dict[str, dict[str, int]] = {m: {} for m in modules}
    for module, path in modules.items():
        own_parents = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)}
        for imp in _imports(_parse(path), module, path.name == "__init__.py"):
            if imp.target not in modules:
                continue  # a name imported from a module, or not of this package
            parts = imp.target.split(".")
            # The target and the packages above it, whose __init__ runs first.
            for i in range(len(parts), 0, -1):
                target = ".".join(parts[:i])
                if target == module or target in own_parents:
                    continue
                if target in modules:
                    graph[module].setdefault(target, imp.line)
    return graph


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) per strongly connected component of more than one
    module (Tarjan), so that every knot is reported, each with a concrete path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(v: str) -> None:  # the package has a few dozen modules: recursion is fine
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)

    cycles = []
    for component in components:
        members = set(component)
        start = component[0]
        # Shortest path back to start within the component (breadth first).
        previous: dict[str, str] = {}
        frontier = [start]
        end = None
        while frontier and end is None:
            nxt = []
            for v in frontier:
                for w in sorted(graph[v]):
                    if w not in members:
                        continue
                    if w == start:
                        end = v
                        break
                    if w not in previous:
                        previous[w] = v
                        nxt.append(w)
                if end is not None:
                    break
            frontier = nxt
        path = [end]
        while path[-1] != start:
            path.append(previous[path[-1]])
        path.reverse()
        cycles.append(path + [start])
    return cycles


def _show(cycle: list[str], graph: dict[str, dict[str, int]]) -> str:
    steps = [f"{a} (line {graph[a][b]}) -> {b}" for a, b in zip(cycle, cycle[1:], strict=False)]
    return "; ".join(steps)


def test_the_module_list_is_read():
    modules = _modules()
    assert {"wordvec", "wordvec.corpus", "wordvec.vocab", "wordvec.vectors",
            "wordvec.evaluate"} <= set(modules)


def test_the_graph_sees_every_kind_of_import():
    tree = ast.parse(
        "from __future__ import annotations\n"
        "import wordvec.vocab\n"
        "from . import vectors\n"
        "from .corpus import encode\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from .word2vec import Word2Vec\n"
        "else:\n"
        "    from .errors import shown\n"
        "def f():\n"
        "    from ..engine import train\n"
        "    import matplotlib.pyplot\n"
        "if __name__ == '__main__':\n"
        "    from wordvec.cli import main\n")
    found = {(i.target, i.in_function) for i in _imports(tree, "wordvec.nn.models", False)}
    assert ("wordvec.vocab", False) in found
    assert ("wordvec.nn.vectors", False) in found
    assert ("wordvec.nn.corpus", False) in found
    assert ("wordvec.nn.errors", False) in found
    assert ("wordvec.engine.train", True) in found
    assert ("matplotlib.pyplot", True) in found
    assert not any("word2vec" in target or "cli" in target for target, _ in found)
    # An __init__ is its package: "from . import x" there means the package's own x.
    found = {i.target for i in _imports(ast.parse("from . import io\n"), PACKAGE, True)}
    assert "wordvec.io" in found
    # Cycles are found and shown as paths.
    graph = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {"a": 4}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b": 1}, "b": {}}) == []


def test_no_import_cycle():
    graph = _graph()
    cycles = _cycles(graph)
    assert not cycles, (
        f"{len(cycles)} import cycle(s) among the modules of {PACKAGE} (imports inside "
        "functions count; only `if TYPE_CHECKING:` and `if __name__ == '__main__':` ones "
        "do not):\n"
        + "\n".join(f"  {' -> '.join(c)}\n    {_show(c, graph)}" for c in cycles))


def test_optional_extras_are_imported_only_inside_functions():
    offending = []
    for module, path in _modules().items():
        for imp in _imports(_parse(path), module, path.name == "__init__.py"):
            if not imp.in_function and imp.target.split(".")[0] in EXTRAS:
                offending.append(f"{path.relative_to(SOURCE.parent)}:{imp.line} imports "
                                 f"{imp.target}")
    assert not offending, ("optional extras imported at module level (import them inside "
                           "the function that needs them):\n  " + "\n  ".join(offending))


def test_checkpoint_does_not_import_the_engine():
    graph = _graph()
    engine = f"{PACKAGE}.engine"
    bad = {t: line for t, line in graph.get(f"{PACKAGE}.checkpoint", {}).items()
           if t == engine or t.startswith(engine + ".")}
    assert not bad, ("wordvec.checkpoint imports the engine: "
                     + ", ".join(f"{t} (line {line})" for t, line in sorted(bad.items())))
