"""The package's shape: layers as folders, imports that only point down, no cycles, small files.

The import graph is read from the source with :mod:`ast` (every ``import`` statement, including those
inside functions and under ``TYPE_CHECKING``), so a lazy import cannot hide a cycle or an upward edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "causalworld"
MAX_LINES = 400

LAYERS: tuple[str | tuple[str, ...], ...] = (
    ("files", "spatial", "registration"),
    "sim",
    "variables",
    "tasks",
    "env",
    "benchmark",
    "actors",
    "wrappers",
    "recording",
    "planning",
    "baselines",
    "evaluation",
    "experiments",
    "causalworld",
    "cli",
)
"""The layers, lowest first: a module may import its own layer and the layers listed before it.
A tuple is one level of layers that do not import each other. Each name is a folder of the package,
except ``registration`` (the module of the Gymnasium IDs: data, importing nothing of ours) and
``causalworld`` (the package face, ``causalworld/__init__.py``: the public names)."""

ROOT_FILES = {"__init__.py", "registration.py", "py.typed"}
"""All that the package root holds besides the layer folders."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The package modules ``path`` imports: ``from a.b import c`` names ``a.b.c`` if it is a module, else ``a.b``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target.startswith("causalworld") and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {name: imported_modules(path, name, modules) for name, path in modules.items()}


def layer_of(module: str) -> str:
    """``causalworld.env.control.modes`` -> ``env``; the package itself -> ``causalworld``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def layer_rank() -> dict[str, int]:
    return {layer: level for level, group in enumerate(LAYERS)
            for layer in ((group,) if isinstance(group, str) else group)}


def test_the_root_holds_only_the_face_and_the_layer_folders():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    files = {p.name for p in PACKAGE.iterdir() if p.is_file()}
    assert files == ROOT_FILES
    assert folders == set(layer_rank()) - {"causalworld", "registration"}
    assert all((PACKAGE / folder / "__init__.py").is_file() for folder in folders)


def test_imports_only_point_down_the_layers():
    rank = layer_rank()
    upward = sorted(
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module, targets in import_graph().items()
        for target in targets
        if rank[layer_of(target)] > rank[layer_of(module)]
    )
    assert not upward, "imports pointing up a layer:\n" + "\n".join(upward)


def test_layers_of_one_level_do_not_import_each_other():
    rank = layer_rank()
    sideways = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if layer_of(target) != layer_of(module) and rank[layer_of(target)] == rank[layer_of(module)]
    )
    assert not sideways, "imports between layers of one level:\n" + "\n".join(sideways)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "causalworld" / "tasks" / "x.py"
    source.parent.mkdir(parents=True)
    source.write_text("def f():\n    from ..env import thing\n    import causalworld.sim.world\n")
    modules = {"causalworld.tasks.x": source, "causalworld.env": source, "causalworld.sim.world": source}
    assert imported_modules(source, "causalworld.tasks.x", modules) == {"causalworld.env", "causalworld.sim.world"}


def test_no_package_file_is_over_the_line_limit():
    lengths = {str(p.relative_to(PACKAGE)): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    long = {path: n for path, n in lengths.items() if n > MAX_LINES}
    assert not long, f"package files over {MAX_LINES} lines: {long}"


def test_only_the_simulator_layer_calls_pybullet():
    callers = sorted(
        module for module, path in all_modules().items()
        if layer_of(module) != "sim" and any(
            (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "pybullet" for a in node.names))
            or (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "pybullet")
            for node in ast.walk(ast.parse(path.read_text()))
        )
    )
    assert not callers, f"modules outside causalworld.sim importing pybullet: {callers}"


def test_task_families_do_not_import_each_other():
    """A family (``tasks/<family>/``) uses the shared task modules, never another family's."""
    families = {p.name for p in (PACKAGE / "tasks").iterdir() if p.is_dir() and p.name != "__pycache__"}
    shared = {"structures"}
    crossing = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if module.startswith("causalworld.tasks.") and (family := module.split(".")[2]) in families - shared
        for target in targets
        if target.startswith("causalworld.tasks.") and target.split(".")[2] in families - {family} - shared
    )
    assert not crossing, "task families importing each other:\n" + "\n".join(crossing)
