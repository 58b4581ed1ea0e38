"""The import rules of docs/architecture.md, checked against the code.

Each module's row in that page's tables names the project modules it may
import; a module that imports anything else, or a module with no row, fails
here, so the page stays the map of the code.
"""

from __future__ import annotations

import ast
import re

import pytest

from tests.conftest import ROOT

PAGE = ROOT / "docs" / "architecture.md"
PROJECT = ("core", "ui")
PATHS = sorted([*ROOT.glob("core/*.py"), *ROOT.glob("ui/*.py"), ROOT / "streamlit_app.py"])


def module_name(path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


NAMES = {module_name(p) for p in PATHS}


def project_imports(path) -> set[str]:
    """The project modules ``path`` imports (``core.x`` for ``from core import x`` of a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] in PROJECT}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PROJECT:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in NAMES else node.module)
    return found - {module_name(path)}


def third_party(path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add((node.module or "").split(".")[0])
    return found


def documented() -> dict[str, set[str]]:
    """Module -> the project modules its row says it may import, in the page's order."""
    rows = {}
    for line in PAGE.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        name = re.match(r"`([\w.]+)`", cells[0]).group(1)
        package = name.split(".")[0]
        allowed = set()
        for short in re.findall(r"`([\w.]+)`", cells[2]):
            allowed.add(short if short.split(".")[0] in PROJECT else f"{package}.{short}")
        rows[name] = allowed
    return rows


def test_every_module_has_a_row_on_the_architecture_page():
    missing = NAMES - set(documented())
    assert not missing, f"add a row to docs/architecture.md for {sorted(missing)}"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: module_name(p))
def test_a_module_imports_only_what_its_row_allows(path):
    allowed = documented().get(module_name(path), set())
    extra = project_imports(path) - allowed
    assert not extra, f"{module_name(path)} imports {sorted(extra)}: not in its row"


def test_the_rows_run_from_the_lowest_layer_up():
    # A row may name only modules of rows above it: the tables read as layers.
    seen = set()
    for name, allowed in documented().items():
        below = allowed - seen
        assert not below, f"{name}'s row names {sorted(below)}, which come after it"
        seen.add(name)


def test_core_imports_neither_streamlit_nor_plotly_nor_the_page():
    for path in ROOT.glob("core/*.py"):
        assert not third_party(path) & {"streamlit", "plotly", "ui"}, path.name


def test_the_page_calls_only_the_public_api_of_core():
    for path in [*ROOT.glob("ui/*.py"), ROOT / "streamlit_app.py"]:
        private = {m for m in project_imports(path) if m.startswith("core._")}
        assert not private, f"{path.name} imports {sorted(private)}"


def test_the_pieces_under_the_stable_mode_know_nothing_of_it():
    for name in ("_hold", "_cuts", "_prefetch", "_stable_palette"):
        imports = project_imports(ROOT / "core" / f"{name}.py")
        assert not imports & {"core._stable", "core._sequence"}, name


def test_the_import_graph_has_no_cycles():
    graph = {module_name(p): project_imports(p) & NAMES for p in PATHS}
    state = {}

    def visit(node, trail):
        if state.get(node) == "done":
            return
        assert state.get(node) != "open", f"import cycle: {' -> '.join([*trail, node])}"
        state[node] = "open"
        for nxt in graph.get(node, ()):
            visit(nxt, [*trail, node])
        state[node] = "done"

    for node in graph:
        visit(node, [])
