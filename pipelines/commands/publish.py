"""``tasapaino publish``: look after published releases without running the pipeline.

- ``--ckan-dry-run`` prints the CKAN (avoindata.fi) and DCAT-AP metadata of the latest release
  as JSON; nothing is uploaded.
- ``--list`` lists the releases, marking the one ``latest`` points at.
- ``--verify`` checks the latest release against its SHA256SUMS.
- ``--rollback [ID]`` points ``latest`` back at the previous release (or at ID) after verifying
  it; the newer release stays on disk and can be restored the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from pipelines.commands import UsageError

PUBLIC_URL_ENV = "TASAPAINO_PUBLIC_URL"


def _root(out: str) -> Any:
    """A local folder or an object-store URL (see publish.release)."""
    from publish.release import release_root

    return release_root(out)


def _latest_package(root: Any) -> dict[str, Any]:
    from publish.release import latest_id

    rid = latest_id(root)
    if rid is None:
        raise UsageError(f"{root}: no release yet; run `tasapaino run --out {root}` first")
    path = root / "releases" / rid / "datapackage.json"
    if not path.is_file():
        raise UsageError(f"{path}: missing; the release is incomplete, run `tasapaino run` again")
    return json.loads(path.read_text(encoding="utf-8"))


def _ckan(args: argparse.Namespace) -> int:
    from publish.ckan import MissingMaintainer, ckan_package, dcat_dataset, require_email
    from publish.dataset_metadata import contact

    email = args.email or contact()["email"]  # the release's one contact setting
    try:
        require_email(email)  # refused before anything else is said
    except MissingMaintainer as exc:
        raise UsageError(str(exc)) from None
    root = _root(args.out)
    package = _latest_package(root)
    base_url = args.base_url or os.environ.get(PUBLIC_URL_ENV, "")
    if base_url and not base_url.startswith(("http://", "https://")):
        raise UsageError(f"--base-url {base_url}: must start with https:// (or http://)")
    if not base_url:
        print(
            f"note: no --base-url (or {PUBLIC_URL_ENV}); resource URLs are relative to the "
            "release folder",
            file=sys.stderr,
        )
    try:
        payload = {
            "ckan_package": ckan_package(
                package, base_url=base_url, owner_org=args.owner_org, maintainer_email=email
            ),
            "dcat": dcat_dataset(
                package, base_url=base_url, publisher=args.owner_org, maintainer_email=email
            ),
        }
    except MissingMaintainer as exc:
        raise UsageError(str(exc)) from None
    print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 0


def _list(args: argparse.Namespace) -> int:
    from publish.release import is_valid, latest_id, release_ids

    root = _root(args.out)
    current = latest_id(root)
    ids = release_ids(root)
    if not ids:
        print(f"{root}: no releases")
        return 0
    for rid in reversed(ids):
        mark = "* latest" if rid == current else ""
        state = "ok" if is_valid(root / "releases" / rid) else "DOES NOT VERIFY"
        print(f"{rid}  {state}  {mark}".rstrip())
    return 0


def _verify(args: argparse.Namespace) -> int:
    from publish.release import ReleaseError, latest_id, verify

    root = _root(args.out)
    rid = latest_id(root)
    if rid is None:
        raise UsageError(f"{root}: no release yet; run `tasapaino run --out {root}` first")
    try:
        verify(root / "releases" / rid)
    except ReleaseError as exc:
        print(f"tasapaino publish: {exc}", file=sys.stderr)
        return 1
    print(f"{rid}: every file matches SHA256SUMS")
    return 0


def _rollback(args: argparse.Namespace) -> int:
    from publish.lock import LockBusy
    from publish.release import ReleaseError, rollback

    root = _root(args.out)
    try:
        rid = rollback(root, args.rollback or None)  # under the root's lock
    except (ReleaseError, LockBusy) as exc:
        raise UsageError(str(exc)) from exc
    print(f"latest -> releases/{rid}")
    return 0


def handle(args: argparse.Namespace) -> int:
    if args.ckan_dry_run:
        return _ckan(args)
    if args.rollback is not None:
        return _rollback(args)
    if args.verify:
        return _verify(args)
    return _list(args)


def register(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser(
        "publish",
        help="list, verify or roll back releases; print the avoindata.fi metadata",
        description="Work with published releases under DIR: list them (default), verify the "
        "latest, roll back, or print the CKAN / DCAT-AP payload for avoindata.fi (no upload).",
    )
    cmd.add_argument("--out", default="dist", metavar="DIR", help="release root (default: dist)")
    action = cmd.add_mutually_exclusive_group()
    action.add_argument(
        "--ckan-dry-run",
        action="store_true",
        help="print the CKAN package and DCAT-AP JSON-LD of the latest release; no upload",
    )
    action.add_argument("--list", action="store_true", help="list releases (the default)")
    action.add_argument("--verify", action="store_true", help="verify the latest release")
    action.add_argument(
        "--rollback",
        nargs="?",
        const="",
        default=None,
        metavar="ID",
        help="point latest at the previous release, or at release ID",
    )
    cmd.add_argument(
        "--base-url",
        default="",
        metavar="URL",
        help=f"public URL of the release folder for download links (default: ${PUBLIC_URL_ENV})",
    )
    cmd.add_argument(
        "--owner-org", default="tasapaino", metavar="ORG", help="CKAN organisation name"
    )
    cmd.add_argument(
        "--email",
        default="",
        metavar="ADDRESS",
        help="maintainer e-mail address, required by avoindata.fi (default: the contact "
        "e-mail, $TASAPAINO_CONTACT_EMAIL or package.contact.email in publish/datasets.yaml)",
    )
    cmd.set_defaults(func=handle)
