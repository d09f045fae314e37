"""``tasapaino snapshot``: record API responses into the snapshot, verify and list them.

``refresh`` (online) fetches every configured StatFin table (all years), every Vipunen resource
and the classification items, and writes them byte for byte into ``<snapshot>/recorded/`` with
their requests and retrieval times; offline runs then replay them through the live parser.
Folders are replaced one at a time, only after their table was read completely, so a failed
refresh leaves the earlier recordings in place. ``verify`` checks every recorded body against
its SHA-256 and the transcribed tables against their provenance file. ``list`` shows what is
recorded and when it was read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assets.reference.paths import snapshot_dir
from pipelines.commands import UsageError


def _snapshot(args: argparse.Namespace) -> Path:
    path = Path(args.snapshot) if args.snapshot else snapshot_dir()
    if not path.is_dir():
        raise UsageError(f"--snapshot {path}: no such folder; point it at a copy of data/snapshot")
    return path


def refresh(args: argparse.Namespace) -> int:
    from assets.collect.classification_service import SERVICE_IDS, fetch_items
    from assets.collect.collect import collect_statfin, collect_vipunen, record
    from assets.collect.http import SourceError
    from assets.collect.recorded import write_exchanges
    from assets.collect.statfin import StatFinClient
    from assets.collect.tables import load_statfin_tables, load_vipunen_resources
    from assets.collect.vipunen import VipunenClient

    root = _snapshot(args) / "recorded"
    tables = [t for t in load_statfin_tables() if not args.only or t.id in args.only]
    resources = [r for r in load_vipunen_resources() if not args.only or r.id in args.only]
    if args.only and not tables and not resources:
        raise UsageError(
            f"--only {' '.join(args.only)}: no configured table has that id; see "
            "data/sources/statfin.yaml and data/sources/vipunen.yaml"
        )
    service = []
    client = StatFinClient(
        archive=lambda e: service.append(e) if e.kind in ("config", "listing") else None
    )
    try:
        for spec in tables:
            item = collect_statfin(client, spec, store=None, full=True, names_root=root)
            record(root, [item])
            print(f"recorded statfin {spec.id} {spec.measure}: {len(item.counts)} rows")
        if service:
            write_exchanges(root / "statfin" / "_service", service)
        vclient = VipunenClient()
        for res in resources:
            item = collect_vipunen(vclient, res, names_root=root)
            record(root, [item])
            print(f"recorded {res.id} {res.measure}: {len(item.counts)} rows")
        if not args.only:
            for name, service_id in SERVICE_IDS.items():
                write_exchanges(root / "classifications" / service_id / "items", fetch_items(name))
                print(f"recorded classification {service_id}")
    except SourceError as exc:
        print(f"tasapaino snapshot refresh: {exc}", file=sys.stderr)
        return 1
    print(f"snapshot recordings: {root}")
    return 0


def verify(args: argparse.Namespace) -> int:
    from assets.collect.recorded import verify as verify_recorded
    from assets.collect.transcribed import SnapshotError, read_tables

    root = _snapshot(args)
    problems = verify_recorded(root / "recorded")
    try:
        read_tables(root / "transcribed")
    except (SnapshotError, FileNotFoundError) as exc:
        problems.append(str(exc))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"tasapaino snapshot verify: {len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    print(f"snapshot verified: {root}")
    return 0


def list_recorded(args: argparse.Namespace) -> int:
    from assets.collect.recorded import read_exchanges, recorded_dirs

    root = _snapshot(args) / "recorded"
    dirs = recorded_dirs(root)
    if not dirs:
        print(f"no recorded responses in {root}; add them with `tasapaino snapshot refresh`")
    for directory in dirs:
        exchanges = read_exchanges(directory)
        times = sorted(e.retrieved_at for e in exchanges)
        print(
            f"{directory.relative_to(root)}: {len(exchanges)} responses, "
            f"read {times[0]}…{times[-1]}"
        )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    snap = sub.add_parser(
        "snapshot",
        help="record, verify and list the API responses of the bundled snapshot",
        description="Manage data/snapshot: `refresh` records the configured StatFin and "
        "Vipunen tables (online), `verify` checks checksums and provenance, `list` shows "
        "what is recorded.",
    )
    actions = snap.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, func, text in (
        ("refresh", refresh, "fetch every configured table and record the responses"),
        ("verify", verify, "check every recorded response and transcribed table"),
        ("list", list_recorded, "list the recorded responses and when they were read"),
    ):
        action = actions.add_parser(name, help=text, description=text)
        action.add_argument(
            "--snapshot",
            default="",
            metavar="DIR",
            help="snapshot folder (default: the bundled data/snapshot)",
        )
        if name == "refresh":
            action.add_argument(
                "--only",
                nargs="+",
                default=[],
                metavar="TABLE",
                help="record only these tables, e.g. tyokay/115s vipunen/<resource>",
            )
        action.set_defaults(func=func)
