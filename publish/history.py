"""What a new release needs from the releases already published under the same target."""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd

from publish import method_changes
from publish.bundle import Previous
from publish.release import earlier_ids, is_valid, read_file


def load_previous(root: Any, release_id: str) -> Previous:
    """The newest complete, verified release older than ``release_id`` and the ids before it.

    "Older" is by id (vintage, then run date), not by what ``latest`` points at: re-running the
    same inputs must compare against the same previous release and so give the same bytes.
    """
    earlier = earlier_ids(root, release_id)
    # Newest first, stopping at the first that verifies: old releases are not re-hashed.
    prev = next((r for r in reversed(earlier) if is_valid(root / "releases" / r)), None)
    if prev is None:
        return Previous(history=earlier)
    parquet = read_file(root, prev, "data/counts.parquet")
    counts = pd.read_parquet(io.BytesIO(parquet)) if parquet is not None else None
    log = read_file(root, prev, "CHANGELOG.md")
    return Previous(
        release_id=prev,
        counts=counts,
        changelog=log.decode("utf-8") if log else "",
        history=earlier,
        method_version=_method_version(read_file(root, prev, "datapackage.json")),
    )


def _method_version(package: bytes | None) -> int:
    """The method version a release was built with; releases from before versions were
    recorded (or without a datapackage.json) count as the baseline."""
    if package is None:
        return method_changes.BASELINE
    recorded = json.loads(package).get("tasapaino", {}).get("method_version")
    return int(recorded) if recorded is not None else method_changes.BASELINE
