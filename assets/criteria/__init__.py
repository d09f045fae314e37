"""Equality criteria: declared as data (catalogue/*.yaml), applied by a pure engine."""
