"""Child process for the SIGKILL test: publish releases in a loop until killed.

``python -m tests.publish.publish_worker ROOT BUNDLE.pickle`` loads a prepared bundle (path →
bytes), prints ``ready`` and then alternates between a new release id and re-publishing the
same id with different bytes, so a kill can land in every phase of both paths (staging,
verifying, renaming, swapping a replaced release, switching ``latest``).
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from publish.release import write_release


def main(root: Path, bundle: Path) -> None:
    files: dict[str, bytes] = pickle.loads(bundle.read_bytes())
    print("ready", flush=True)
    i = 0
    while True:
        release_id = f"20201105-2026{i // 2:04d}"
        write_release(root, release_id, {**files, "run.txt": f"{i}\n".encode()})
        print(f"published {release_id}", flush=True)
        i += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
