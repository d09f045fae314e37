"""Child process for the SIGKILL test: publish releases in a loop until killed.

``python -m tests.publish.publish_worker ROOT BUNDLE.pickle [--naive]`` loads a prepared bundle
(path → bytes), prints ``ready`` and then alternates between a new release id and re-publishing
the same id with different bytes, so a kill can land in every phase of both paths (staging,
verifying, renaming, swapping a replaced release, switching ``latest``).

``--naive`` is the negative control: it writes straight into the final folder and replaces
``latest`` by unlink + symlink, which is what the real writer must not do; the test shows that
the same checks catch it.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Mapping
from pathlib import Path

from publish.release import SUMS, sha256sums, write_release
from publish.sinks import FileInfo


def naive_write(root: Path, release_id: str, files: Mapping[str, bytes]) -> None:
    """No staging, no atomic switch: the negative control."""
    final = root / "releases" / release_id
    sums = sha256sums({name: FileInfo.of(data) for name, data in files.items()})
    for name, data in {**files, SUMS: sums}.items():
        (final / name).parent.mkdir(parents=True, exist_ok=True)
        (final / name).write_bytes(data)
    link = root / "latest"
    link.unlink(missing_ok=True)
    os.symlink(f"releases/{release_id}", link)


def main(root: Path, bundle: Path, naive: bool) -> None:
    files: dict[str, bytes] = pickle.loads(bundle.read_bytes())
    write = naive_write if naive else write_release
    print("ready", flush=True)
    i = 0
    while True:
        release_id = f"20201105-2026{i // 2:04d}"
        write(root, release_id, {**files, "run.txt": f"{i}\n".encode()})
        print(f"published {release_id}", flush=True)
        i += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), "--naive" in sys.argv[3:])
