"""Data quality checks: pure validations and the Dagster asset checks built from them."""
