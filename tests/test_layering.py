"""Imports only point down the layers, and no pure module imports Dagster.

The layer map, bottom to top (docs/architecture.md, "Layers"):

1. ``ground``: reference data and constants every stage stands on: ``assets/reference/``
   (classifications and regions, keys, paths, code version), ``assets/contracts.py``,
   ``assets/dataset_registry.py`` and the packages' docstring-only ``__init__`` files.
2. ``pure``: the computation, with no Dagster: every other module of ``assets/``, ``checks/``
   and ``publish/``. The stages keep their order, in this layer and the definitions layer
   alike: each may use the ones before it, ``collect`` → ``shares`` → ``indices`` →
   ``criteria`` → ``checks`` → ``publish``. So publish may import pure indices or checks code
   (the change decomposition, the quality pages); a check or an index never imports a
   publisher (the quality gate asks the release store for the previous release instead).
3. ``resources``: the Dagster resources (``assets/resources.py``, ``ReleaseTarget`` the release
   store among them).
4. ``definitions``: the Dagster asset and check modules (``assets/*/assets.py``,
   ``checks/asset_checks.py``, ``checks/assets.py``, ``publish/assets.py``,
   ``pipelines/io_managers.py``).
5. ``pipelines``: the code location and the operations around it (``definitions``, the command
   line, sensors, schedules, partitions, alerts …): everything else under ``pipelines/``.

Every ``import`` counts, also one inside a function or under ``TYPE_CHECKING``: a lazy import is
still a dependency, only a later one.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assets", "checks", "publish", "pipelines")

LAYERS = ("ground", "pure", "resources", "definitions", "pipelines")
PURE_STAGES = ("collect", "shares", "indices", "criteria", "checks", "publish")

GROUND = {"assets", "checks", "publish", "pipelines", "assets.contracts", "assets.dataset_registry"}
DEFINITIONS = {
    "checks.asset_checks",
    "checks.assets",
    "publish.assets",
    "pipelines.io_managers",
}


def layer_of(module: str) -> tuple[int, int | None]:
    """(layer, stage) of a project module; the stage (an index of ``PURE_STAGES``) is set for
    the pure and definitions modules of a stage and None elsewhere."""
    parts = module.split(".")
    if module in GROUND or module.startswith("assets.reference"):
        return LAYERS.index("ground"), None
    if module == "assets.resources":
        return LAYERS.index("resources"), None
    stage_name = parts[1] if parts[0] == "assets" else parts[0]
    if module == "pipelines.io_managers":
        return LAYERS.index("definitions"), None
    if parts[0] == "pipelines":
        return LAYERS.index("pipelines"), None
    stage = PURE_STAGES.index(stage_name)
    if module in DEFINITIONS or (parts[0] == "assets" and parts[-1] == "assets"):
        return LAYERS.index("definitions"), stage
    return LAYERS.index("pure"), stage


def describe(module: str) -> str:
    layer, stage = layer_of(module)
    return LAYERS[layer] if stage is None else f"{LAYERS[layer]}/{PURE_STAGES[stage]}"


def against(module: str, target: str) -> str | None:
    """Why ``module`` may not import ``target`` (None: it may)."""
    (layer, stage), (to_layer, to_stage) = layer_of(module), layer_of(target)
    if to_layer > layer:
        return "a higher layer"
    if stage is not None and to_stage is not None and to_stage > stage:
        return "a later stage"
    return None


@dataclass(frozen=True)
class Edge:
    """One import of ``target`` by ``module`` at ``path:line``."""

    path: Path
    line: int
    module: str
    target: str


def module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    return {
        module_name(p, root): p
        for package in packages
        for p in sorted((root / package).rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def imports_of(path: Path, module: str, known: set[str]) -> list[Edge]:
    """Every import in the file (module level, in functions, under TYPE_CHECKING), resolved to
    the most specific module it names: ``from assets import contracts`` → ``assets.contracts``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    edges = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.append(sub if sub in known else base)
        edges += [Edge(path, node.lineno, module, t) for t in targets]
    return edges


def _project_target(target: str, known: set[str]) -> str | None:
    """The project module an import names (``import assets.reference.keys.x`` → the module)."""
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def upward_imports(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[str]:
    """One line per import from a lower layer to a higher one, or from a stage's pure or
    definitions module to a later stage's (a check reading publish's internals)."""
    modules = project_modules(root, packages)
    known = set(modules)
    found = []
    for module, path in modules.items():
        for edge in imports_of(path, module, known):
            target = _project_target(edge.target, known)
            if target is None or target == module:
                continue
            why = against(module, target)
            line = (
                f"{path.relative_to(root)}:{edge.line}: {module} ({describe(module)}) "
                f"imports {target} ({describe(target)}), {why}"
            )
            if why and line not in found:
                found.append(line)
    return found


def dagster_in_pure(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[str]:
    """One line per import of Dagster (or a dagster-* library) in a ground or pure module."""
    modules = project_modules(root, packages)
    known = set(modules)
    found = []
    for module, path in modules.items():
        layer = LAYERS[layer_of(module)[0]]
        if layer not in ("ground", "pure"):
            continue
        for edge in imports_of(path, module, known):
            top = edge.target.split(".")[0]
            if top == "dagster" or top.startswith("dagster_"):
                found.append(
                    f"{path.relative_to(root)}:{edge.line}: {module} ({describe(module)}) "
                    f"imports {edge.target}; keep Dagster in resources and above"
                )
    return found


def test_no_import_points_up_a_layer() -> None:
    found = upward_imports(ROOT)
    assert not found, "imports against the layering:\n" + "\n".join(found)


def test_no_pure_module_imports_dagster() -> None:
    found = dagster_in_pure(ROOT)
    assert not found, "Dagster in pure code:\n" + "\n".join(found)


def test_every_project_module_has_a_layer() -> None:
    """A new top-level folder or stage must be placed in the map, not silently skipped."""
    for module in project_modules(ROOT):
        layer_of(module)  # raises ValueError for a stage the map does not know


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A small project whose layering is right, to plant wrong imports into."""
    return _tree(
        tmp_path,
        {
            "assets/__init__.py": "",
            "assets/reference/__init__.py": "",
            "assets/reference/keys.py": "KEY = ()\n",
            "assets/resources.py": "from assets.reference.keys import KEY\n",
            "assets/indices/__init__.py": "",
            "assets/indices/twogroup.py": "from assets.reference import keys\n",
            "assets/indices/assets.py": "import dagster\nfrom assets.resources import KEY\n",
            "checks/__init__.py": "",
            "checks/asset_checks.py": "import dagster\nfrom assets.resources import KEY\n",
            "publish/__init__.py": "",
            "publish/numbers.py": "from assets.indices.twogroup import keys\n",
            "pipelines/__init__.py": "",
            "pipelines/definitions.py": "from assets.indices import assets\n",
        },
    )


def test_the_checker_passes_a_right_tree(planted: Path) -> None:
    assert upward_imports(planted) == []
    assert dagster_in_pure(planted) == []


def test_the_checker_finds_an_upward_import_inside_a_function(planted: Path) -> None:
    (planted / "assets/reference/keys.py").write_text(
        "KEY = ()\n\n\ndef late():\n    from pipelines.definitions import x\n    return x\n"
    )
    assert upward_imports(planted) == [
        "assets/reference/keys.py:5: assets.reference.keys (ground) imports "
        "pipelines.definitions (pipelines), a higher layer"
    ]


@pytest.mark.parametrize(
    ("module", "text", "expected"),
    [
        (
            "assets/resources.py",
            "from assets.indices.assets import x\n",
            "assets/resources.py:1: assets.resources (resources) imports assets.indices.assets "
            "(definitions/indices), a higher layer",
        ),
        (
            "assets/indices/twogroup.py",
            "from ..resources import KEY\n",
            "assets/indices/twogroup.py:1: assets.indices.twogroup (pure/indices) imports "
            "assets.resources (resources), a higher layer",
        ),
        (
            "assets/indices/twogroup.py",
            "import publish.numbers\n",
            "assets/indices/twogroup.py:1: assets.indices.twogroup (pure/indices) imports "
            "publish.numbers (pure/publish), a later stage",
        ),
        (
            "assets/indices/assets.py",
            "from pipelines import definitions\n",
            "assets/indices/assets.py:1: assets.indices.assets (definitions/indices) imports "
            "pipelines.definitions (pipelines), a higher layer",
        ),
        (
            "checks/asset_checks.py",
            "def previous():\n    from publish import numbers\n",
            "checks/asset_checks.py:2: checks.asset_checks (definitions/checks) imports "
            "publish.numbers (pure/publish), a later stage",
        ),
    ],
)
def test_the_checker_names_file_line_and_both_layers(
    planted: Path, module: str, text: str, expected: str
) -> None:
    (planted / module).write_text(text)
    assert upward_imports(planted) == [expected]


def test_the_checker_finds_dagster_in_a_pure_module(planted: Path) -> None:
    (planted / "publish/numbers.py").write_text("def f():\n    import dagster_shared.x\n")
    assert dagster_in_pure(planted) == [
        "publish/numbers.py:2: publish.numbers (pure/publish) imports dagster_shared.x; keep "
        "Dagster in resources and above"
    ]
