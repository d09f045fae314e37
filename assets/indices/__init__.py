"""Segregation index engine (pure numpy/pandas; no Dagster)."""
