"""``tasapaino sources check``: would a live run get every configured table? (needs network)

For every table of data/sources/statfin.yaml and every resource of data/sources/vipunen.yaml it
asks the services for listings and metadata only, never data, and prints one line per table:
found or MISSING, what each configured name matched, and how many cells and POSTs the table
needs. Exit 0 only when every table would be read; 1 when one would not; 2 when no service
answered at all (no network), in one line.
"""

from __future__ import annotations

import argparse
import sys


def check(args: argparse.Namespace) -> int:
    from assets.collect.source_check import check_all
    from assets.collect.statfin import StatFinClient, statfin_root
    from assets.collect.tables import load_statfin_tables, load_vipunen_resources
    from assets.collect.vipunen import VipunenClient, vipunen_root

    statfin, vipunen = StatFinClient(), VipunenClient()
    tables, resources = load_statfin_tables(), load_vipunen_resources()
    results = check_all(statfin, vipunen, tables, resources)
    down = [
        (name, root, session.unreachable)
        for name, root, session in (
            ("StatFin", statfin_root(), statfin.session),
            ("Vipunen", vipunen_root(), vipunen.session),
        )
        if session.unreachable is not None
    ]
    if len(down) == 2:
        reasons = "; ".join(f"{n} at {root}: {why}" for n, root, why in down)
        print(
            f"tasapaino sources check: no service answered ({reasons}); this command needs "
            "network access to the APIs (set TASAPAINO_STATFIN_URL / TASAPAINO_VIPUNEN_URL to "
            "a reachable mirror if there is one)",
            file=sys.stderr,
        )
        return 2
    for result in results:
        print(result.line())
    missing = [r for r in results if not r.found]
    print(
        f"{len(results) - len(missing)} of {len(results)} tables found"
        + (
            f"; a live run would miss {len(missing)}"
            if missing
            else "; a live run gets every table"
        )
    )
    return 1 if missing else 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "sources",
        help="check the configured source tables against the live services (network)",
        description="Ask StatFin and Vipunen for listings and metadata only, and say for every "
        "configured table whether a live run would get it, what each configured name matches "
        "and how many queries it needs.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check_parser = actions.add_parser(
        "check", help="one line per configured table: found or missing, and what was matched"
    )
    check_parser.set_defaults(func=check)
