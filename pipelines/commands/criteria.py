"""``tasapaino criteria``: validate the criteria catalogue (and a responses folder) on its own.

For the working group: after editing a YAML file in ``assets/criteria/catalogue/`` or collecting
self-assessment responses, this says in one line whether the next run will accept them, without
running the pipeline. Nothing is written; organisation names and comments are never printed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assets.criteria.catalogue import CATALOGUE_DIR, CatalogueError, load_catalogue
from assets.criteria.mappings import MappingError
from assets.criteria.responses import ResponsesError, default_responses_dir, read_responses
from assets.criteria.self_assessment import SuppressionRule, summarise
from assets.reference.classifications import load_regions
from pipelines.commands import UsageError


def handle(args: argparse.Namespace) -> int:
    if args.responses and not Path(args.responses).is_dir():
        raise UsageError(f"--responses {args.responses}: not a folder")
    if args.min_organisations < 1:
        raise UsageError(f"--min-organisations {args.min_organisations}: must be at least 1")
    try:
        catalogue = load_catalogue(Path(args.catalogue))
        versions = ", ".join(f"{s['id']} {s['version']}" for s in catalogue)
        print(f"catalogue: {len(catalogue)} criteria sets valid ({versions})")
        folder = Path(args.responses) if args.responses else default_responses_dir()
        regions = load_regions()
        responses = read_responses(folder, catalogue, regions)
    except (CatalogueError, MappingError, ResponsesError) as exc:
        raise UsageError(str(exc)) from None
    if responses.empty:
        print(f"responses: none in {folder}")
        return 0
    summary = summarise(responses, regions, SuppressionRule(args.min_organisations))
    print(
        f"responses: {len(responses)} rows from {responses['organisation'].nunique()} "
        f"organisations valid; {len(summary)} aggregates, {int(summary['suppressed'].sum())} of "
        f"them suppressed to protect groups of fewer than {args.min_organisations} organisations"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "criteria",
        help="validate the criteria catalogue and self-assessment responses",
        description="Validate every criteria set (YAML + JSON Schema + meaning checks) and the "
        "self-assessment responses folder. Exit 0: valid; 2: the first problem, naming the "
        "file and the entry.",
    )
    parser.add_argument(
        "--catalogue",
        default=str(CATALOGUE_DIR),
        metavar="DIR",
        help="folder of criteria sets (default: the shipped assets/criteria/catalogue)",
    )
    parser.add_argument(
        "--responses",
        metavar="DIR",
        help="self-assessment responses folder (default: data/self_assessment)",
    )
    parser.add_argument(
        "--min-organisations",
        type=int,
        default=SuppressionRule.min_organisations,
        metavar="N",
        help="smallest group whose aggregate is published (default 3)",
    )
    parser.set_defaults(func=handle)
