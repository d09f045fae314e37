"""Collect stage: raw source tables in, one tidy ``counts`` table out."""
