"""The import rules of docs/architecture.md, read from that page and checked on the real import graph
(grimp): no cycles, no import from a lower layer to a higher one, no `_private` name taken across
modules, and every module placed in a layer, so a new module has to be given a home."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "locflow"


def layers() -> list[tuple[str, list[str]]]:
    """(name, module prefixes) from the ```layers block of docs/architecture.md, top layer first."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md has no ```layers block"
    rows = []
    for line in block.group(1).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, modules = line.partition(":")
            rows.append((name.strip(), ["locflow" if m == "locflow" else f"locflow.{m}" for m in modules.split()]))
    return rows


@pytest.fixture(scope="module")
def graph():
    # Imports under `if TYPE_CHECKING:` never run; every other import counts, the lazy ones in functions too.
    return grimp.build_graph("locflow", exclude_type_checking_imports=True)


def layer_of(module: str, rows: list[tuple[str, list[str]]]) -> int | None:
    """The layer of the longest matching prefix: `checks.runner` can sit above the rest of `checks`."""
    best = None
    for i, (_, prefixes) in enumerate(rows):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > best[1]):
                best = (i, len(prefix))
    return best[0] if best else None


def cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(edges[node]):
                work.append((node, i + 1))
                nxt = edges[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def test_no_import_cycles(graph):
    assert cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    """The cycle test would pass on a finder that finds nothing: show it finds one."""

    class Fake:
        modules = {"a", "b", "c", "d"}

        @staticmethod
        def find_modules_directly_imported_by(m):
            return {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}[m]

    assert cycles(Fake()) == [["a", "b", "c"]]


def test_every_module_has_a_layer(graph):
    rows = layers()
    assert sorted(m for m in graph.modules if layer_of(m, rows) is None) == []


def test_no_import_from_a_lower_layer_to_a_higher_one(graph):
    rows = layers()
    upward = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            low, high = layer_of(importer, rows), layer_of(imported, rows)
            if low is not None and high is not None and high < low:
                lines = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
                upward.append(f"{importer} ({rows[low][0]}) imports {imported} ({rows[high][0]}) at line(s) {lines}")
    assert upward == []


def test_no_private_name_is_imported_across_modules():
    taken = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                taken += [f"{path.relative_to(ROOT)}:{node.lineno}: {alias.name}" for alias in node.names
                          if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert taken == []
