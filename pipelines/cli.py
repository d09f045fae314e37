"""``tasapaino`` command line: run the pipeline and its stages without the Dagster UI.

User mistakes (a missing file, a bad option) end with one clear line on stderr and exit code 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from assets.paths import PROJECT_ROOT


class UsageError(Exception):
    """A mistake the user can fix; printed as one line, exit 2."""


def _ensure_dagster_home() -> None:
    """Keep run history under a git-ignored folder, with telemetry off, unless set by the user."""
    if os.environ.get("DAGSTER_HOME"):
        return
    home = (
        PROJECT_ROOT / ".dagster_home"
        if os.access(PROJECT_ROOT, os.W_OK)
        else Path.home() / ".tasapaino" / "dagster_home"
    )
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)


def cmd_run(args: argparse.Namespace) -> int:
    """Materialise the whole asset graph in this process and write a release under --out."""
    _ensure_dagster_home()
    from dagster import DagsterInstance

    from pipelines.definitions import defs

    if args.source != "snapshot":
        raise UsageError(f"--source {args.source}: only 'snapshot' is available in this version")
    out = Path(args.out)
    run_config: dict = {
        "resources": {"release_target": {"config": {"out_dir": str(out)}}},
        "loggers": {"console": {"config": {"log_level": "INFO" if args.verbose else "WARNING"}}},
    }
    if args.run_date:
        run_config["resources"]["release_target"]["config"]["run_date"] = args.run_date
    job = defs.resolve_job_def("release_job")
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            run_config=run_config, instance=instance, raise_on_error=False
        )
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        checks = [
            f"{e.asset_check_evaluation_data.asset_key.to_user_string()}:"
            f"{e.asset_check_evaluation_data.check_name}"
            for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION"
            and not e.asset_check_evaluation_data.passed
        ]
        print(
            f"tasapaino run: failed (run {result.run_id}); failed steps: "
            f"{', '.join(failed) or 'none'}; failed checks: {', '.join(checks) or 'none'}. "
            "Nothing was published; open `dagster dev` to see the run.",
            file=sys.stderr,
        )
        return 1
    latest = (out / "latest").resolve()
    print(f"release written: {latest}")
    print(f"latest: {out / 'latest'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tasapaino",
        description="Gender-segregation statistics for Finnish education and working life.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run = sub.add_parser(
        "run",
        help="run the whole pipeline and publish a release",
        description="Collect, check, compute, apply criteria and publish a "
        "release under DIR/releases/<release-id>/, with DIR/latest pointing at it.",
    )
    run.add_argument("--out", default="dist", metavar="DIR", help="release root (default: dist)")
    run.add_argument(
        "--source",
        default="snapshot",
        choices=["snapshot", "live"],
        help="where data come from (default: the bundled snapshot)",
    )
    run.add_argument(
        "--run-date",
        default="",
        metavar="YYYY-MM-DD",
        help="pin the run date (for byte-identical rebuilds; default: today)",
    )
    run.add_argument("--verbose", action="store_true", help="show Dagster's step log")
    run.set_defaults(func=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"tasapaino {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
