"""Dagster code location and command-line interface of Tasapaino."""
