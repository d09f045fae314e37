"""The asset graph: one sub-package per pipeline stage.

Each stage keeps its pure computation (pandas/numpy in, pandas/numpy out, no I/O, no Dagster)
beside a thin ``assets.py`` that wires it into Dagster. Tests exercise the pure modules directly.
"""
