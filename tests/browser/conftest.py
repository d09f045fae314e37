"""The browser fixtures come from ``tests.browser.harness`` (registered in tests/conftest.py)."""
