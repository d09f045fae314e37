"""The asset graph: one sub-package per pipeline stage, on the ground of ``reference``.

Each stage keeps its pure computation (pandas/numpy in, pandas/numpy out, no I/O, no Dagster)
beside a thin ``assets.py`` that wires it into Dagster. Tests exercise the pure modules directly.
``reference/`` holds the code lists, keys and paths every stage shares; ``resources.py`` the
Dagster resources the stages' ``assets.py`` (and checks/, publish/) ask for. The layer map is in
docs/architecture.md ("Layers") and enforced by tests/test_layering.py.
"""
