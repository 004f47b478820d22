"""The shape of the code: the core imports no surface, no surface imports another, nothing in
the product imports itself in a cycle, the core's layers import only downwards, the domain
needs no web and no database, and the browser knows the same board events and call endings as
the server."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from shared.domain.events import BOARD_EVENT_NAMES
from shared.store.eventlog import CALL_ENDINGS

ROOT = Path(__file__).resolve().parent.parent
SURFACES = ("kiosk", "counter", "board", "admin", "printer", "central")
# Wires the surfaces into the station's app and the commands: the one package that imports them.
COMPOSER = "satupintu"
PRODUCT = ("shared", *SURFACES, COMPOSER)


def imports_of(path: Path, *, for_typing: bool = False) -> set[str]:
    """The modules a file imports at run time (and, `for_typing`, under `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for branch in ast.walk(tree)
        if not for_typing
        and isinstance(branch, ast.If)
        and "TYPE_CHECKING" in ast.unparse(branch.test)
        for statement in branch.body
        for node in ast.walk(statement)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules_of(*packages: str) -> dict[str, Path]:
    """Every module of the packages by its dotted name (a package by its `__init__.py`)."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def package_of(module: str) -> str:
    return module.split(".")[0]


def test_no_module_of_the_core_imports_a_surface() -> None:
    offenders = {
        name: sorted(
            module for module in imports_of(path) if package_of(module) in (*SURFACES, COMPOSER)
        )
        for name, path in modules_of("shared").items()
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_no_surface_imports_another_surface() -> None:
    offenders = {
        name: sorted(
            module
            for module in imports_of(path)
            if package_of(module) in (*SURFACES, COMPOSER)
            and package_of(module) != package_of(name)
        )
        for name, path in modules_of(*SURFACES).items()
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_product_has_no_import_cycles() -> None:
    modules = modules_of(*PRODUCT)
    graph = {
        name: {module for module in imports_of(path) if module in modules and module != name}
        for name, path in modules.items()
    }
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        assert name not in visiting, f"import cycle: {' -> '.join([*visiting, name])}"
        visiting.append(name)
        for imported in sorted(graph[name]):
            visit(imported)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def test_the_browser_listens_to_exactly_the_board_events_the_server_sends() -> None:
    script = (ROOT / "shared" / "static" / "js" / "live.js").read_text(encoding="utf-8")
    listed = re.search(r"export const BOARD_EVENTS = (\[.*?\]);", script, re.S)
    assert listed, "live.js declares BOARD_EVENTS"
    in_browser = json.loads(re.sub(r",\s*\]", "]", listed.group(1)))
    assert sorted(in_browser) == sorted(BOARD_EVENT_NAMES)


def test_the_browser_ends_a_call_on_exactly_the_events_the_server_does() -> None:
    script = (ROOT / "shared" / "static" / "js" / "calls.js").read_text(encoding="utf-8")
    listed = re.search(r"export const CALL_ENDINGS = (\{.*?\});", script, re.S)
    assert listed, "calls.js declares CALL_ENDINGS"
    in_browser = json.loads(re.sub(r",\s*\}", "}", listed.group(1)))
    assert sorted(in_browser) == sorted(ending.name for ending in CALL_ENDINGS)
    assert all(outcome == name.removeprefix("ticket.") for name, outcome in in_browser.items())


# The core's layers, lowest first: each imports only its own layer and those below it.
LAYERS = ("domain", "store", "application", "operations", "web")


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_each_layer_of_the_core_imports_only_the_layers_below_it() -> None:
    """Type hints included: a rule that needs the store's Reader is the store's."""
    modules = modules_of("shared")
    loose = sorted(name for name in modules if name != "shared" and layer_of(name) is None)
    assert loose == [], "every module of the core lives in a layer"
    offenders = {
        name: sorted(
            module
            for module in imports_of(path, for_typing=True)
            if module.startswith("shared.") and (layer_of(module) or 0) > (layer_of(name) or 0)
        )
        for name, path in modules.items()
    }
    assert {name: found for name, found in offenders.items() if found} == {}


NOT_IN_THE_DOMAIN = ("flask", "flask_socketio", "sqlite3", "sqlite_utils", "psycopg", "gevent")


def test_the_domain_needs_no_web_and_no_database() -> None:
    """The ticket's, the desk's and the booking's lifecycles and every other pure rule."""
    offenders = {
        name: sorted(
            module for module in imports_of(path) if package_of(module) in NOT_IN_THE_DOMAIN
        )
        for name, path in modules_of("shared/domain").items()
    }
    assert {name: found for name, found in offenders.items() if found} == {}
