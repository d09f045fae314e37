"""Publish stage: open-data release, data package metadata, charts and articles."""
