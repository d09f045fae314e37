"""``tasapaino run``: materialise the whole asset graph in process and publish a release."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import shutil
import socket
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assets.reference.paths import PROJECT_ROOT
from pipelines.commands import UsageError
from publish.release import latest_id, release_root


def ensure_dagster_home() -> None:
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


def handle(args: argparse.Namespace) -> int:
    validate_arguments(args)  # every refusal here, before the lock, Dagster or any work
    ensure_dagster_home()
    from checks import gx_process

    gx_process.start()  # GX loads in its own process while this one loads Dagster and the code
    from dagster import DagsterInstance

    from pipelines import run_history, step_outputs
    from pipelines.definitions import defs
    from publish.lock import LockBusy, release_lock

    out = release_root(args.out)  # a local folder, or object storage such as s3://bucket/dist
    run_config: dict[str, Any] = {
        "resources": {"release_target": {"config": {"out_dir": args.out}}},
        # Without --verbose our own report below says what failed, without Dagster's tracebacks;
        # the full event log stays in the run history (`dagster dev`).
        "loggers": {"console": {"config": {"log_level": "INFO" if args.verbose else "CRITICAL"}}},
    }
    if args.source == "live":
        run_config["resources"].update(live_resources(args.full_refresh))
    if args.snapshot:
        snapshot = Path(args.snapshot).resolve()
        run_config["resources"]["snapshot"] = {"config": {"directory": str(snapshot)}}
    if args.counts:
        files = [str(Path(f).resolve()) for f in args.counts]
        run_config["resources"]["local_counts"] = {"config": {"files": files}}
    if args.table:
        run_config["resources"]["handed_tables"] = {"config": {"files": args.table}}
    if args.strict:
        run_config["resources"]["collection"] = {"config": {"strict": True}}
    if args.run_date:
        run_config["resources"]["release_target"]["config"]["run_date"] = args.run_date
    public_url = args.base_url or os.environ.get("TASAPAINO_PUBLIC_URL", "")
    if public_url:
        run_config["resources"]["release_target"]["config"]["public_url"] = public_url
    job = defs.resolve_job_def("release_job")
    run_id = str(uuid.uuid4())
    run_config["resources"]["io_manager"] = step_outputs.io_manager_config(run_id)
    run_history.install()
    try:
        with (
            release_lock(out, run_id=run_id, wait=args.wait, note=_say),
            run_scratch(),
            DagsterInstance.get() as instance,
        ):
            for line in fail_runs_of_dead_processes(instance):
                _say(line)
            result = job.execute_in_process(
                run_config=run_config,
                instance=instance,
                raise_on_error=False,
                run_id=run_id,
                tags=process_tags(),
            )
    except LockBusy as exc:
        _say(str(exc))
        return 1
    finally:
        run_history.uninstall()
        step_outputs.prune_local()
    if not result.success:
        for line in failure_report(result):
            _say(line)
        return 1
    print(f"release written: {out / 'releases' / (latest_id(out) or '?')}")
    print(f"latest: {out / 'latest'}")
    for line in degraded_report(result.output_for_node("api_counts", "collection_status")):
        print(line)
    return 0


def _say(line: str) -> None:
    print(f"tasapaino run: {line}", file=sys.stderr)


# --- arguments, judged before any work ---------------------------------------------------

EARLIEST_RUN_DATE = dt.date(2000, 1, 1)
# Writing releases/ and latest into these would damage the system or every user's space.
SYSTEM_FOLDERS = frozenset(
    map(
        Path,
        (
            "/",
            "/home",
            "/media",
            "/mnt",
            "/opt",
            "/root",
            "/run",
            "/srv",
            "/tmp",
            "/usr",
            "/usr/local",
            "/usr/share",
            "/var",
            "/var/cache",
            "/var/lib",
            "/var/log",
            "/var/tmp",
        ),
    )
)
SYSTEM_TREES = tuple(
    map(
        Path,
        (
            "/bin",
            "/boot",
            "/dev",
            "/etc",
            "/lib",
            "/lib32",
            "/lib64",
            "/libx32",
            "/proc",
            "/sbin",
            "/sys",
            "/usr/bin",
            "/usr/include",
            "/usr/lib",
            "/usr/libexec",
            "/usr/sbin",
        ),
    )
)


def validate_arguments(args: argparse.Namespace) -> None:
    """Refuse, with one line each, every argument that would make the run fail or do harm
    later: a run must not spend minutes and then fail on something visible at the start."""
    if args.full_refresh and args.source != "live":
        raise UsageError("--full-refresh: only meaningful with --source live; add it or drop this")
    if args.source == "live":
        live_resources(args.full_refresh)  # checks the API roots in the environment
    validate_run_date(args.run_date)
    validate_out(args.out)
    if args.snapshot:
        snapshot = Path(args.snapshot)
        if not (snapshot / "transcribed" / "sources.yaml").is_file():
            raise UsageError(
                f"--snapshot {snapshot}: not a snapshot folder (expected "
                f"{snapshot / 'transcribed' / 'sources.yaml'}); point it at a copy of data/snapshot"
            )
    validate_counts_files(args.counts)
    args.table = handed_files(args.table)
    public_url = args.base_url or os.environ.get("TASAPAINO_PUBLIC_URL", "")
    if public_url and not public_url.startswith(("http://", "https://")):
        raise UsageError(
            f"--base-url {public_url}: not an http(s) URL; give the address the release "
            "is published at, such as https://example.org/tasapaino/latest"
        )


def validate_run_date(text: str) -> None:
    """A real calendar day from 2000 to a year ahead: the date names the release and is written
    into every file, so a typo must not become a published release id."""
    if not text:
        return
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise UsageError(f"--run-date {text}: not a date; write it as YYYY-MM-DD, e.g. 2026-11-28")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--run-date {text}: no such day in the calendar; give a real date such as 2026-11-28"
        ) from None
    last = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=366)
    if not EARLIEST_RUN_DATE <= day <= last:
        raise UsageError(
            f"--run-date {text}: outside {EARLIEST_RUN_DATE}…{last}; the run date is the day "
            "the release is built (omit it for today)"
        )


def validate_out(text: str) -> None:
    """A local release root must be a folder we may write into, away from system folders, and
    its ``latest`` must be the symlink a release root has (or not exist yet)."""
    if "://" in text and not text.startswith("file://"):
        return  # object storage: nothing local to judge
    root = release_root(text)  # resolved: a symlink to /etc is judged as /etc
    if root in SYSTEM_FOLDERS or any(root.is_relative_to(tree) for tree in SYSTEM_TREES):
        raise UsageError(
            f"--out {text}: {root} is a system folder; give a folder of its own, e.g. ./dist"
        )
    if root.exists() and not root.is_dir():
        raise UsageError(f"--out {text}: {root} is a file, not a folder; give a folder")
    latest = root / "latest"
    if latest.exists() and not latest.is_symlink():
        raise UsageError(
            f"--out {text}: {latest} is a real {'folder' if latest.is_dir() else 'file'}, not "
            "the symlink a release root keeps there; move it away or choose another --out"
        )
    releases = root / "releases"
    if releases.exists() and not releases.is_dir():
        raise UsageError(f"--out {text}: {releases} is not a folder; move it away")
    existing = next(p for p in (root, *root.parents) if p.exists())
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"--out {text}: {existing} is not writable by this user")


def validate_counts_files(files: list[str]) -> None:
    """Each ``--counts`` file exists, is within the size limit and starts like a counts file
    (judged from its head and size, never by reading it whole)."""
    from assets.collect.local_counts import LocalCountsError, check_counts_file

    for name in files:
        path = Path(name)
        if not path.is_file():
            raise UsageError(
                f"--counts {name}: no such file; give a counts-contract CSV or Parquet file"
            )
        try:
            check_counts_file(path)
        except LocalCountsError as exc:
            raise UsageError(str(exc)) from None


# --- leftovers of killed runs --------------------------------------------------------------

PID_TAG = "tasapaino/pid"
HOST_TAG = "tasapaino/host"
SCRATCH_PREFIX = "tasapaino-run."


def process_tags() -> dict[str, str]:
    """Tags that let a later run tell whether the process of a run is still alive."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def fail_runs_of_dead_processes(instance: Any) -> list[str]:
    """Mark runs this command started that are still STARTED although their process is gone
    (killed), so the run history does not show them running for ever. Runs of other hosts or
    launched by a Dagster daemon (no pid tag) are left to their own run monitoring."""
    from dagster import DagsterRunStatus, RunsFilter

    from publish.lock import pid_alive

    host = socket.gethostname()
    lines = []
    stuck = instance.get_runs(
        filters=RunsFilter(statuses=[DagsterRunStatus.STARTING, DagsterRunStatus.STARTED])
    )
    for run in stuck:
        pid = run.tags.get(PID_TAG, "")
        if run.tags.get(HOST_TAG) != host or not pid.isdigit():
            continue
        if int(pid) != os.getpid() and pid_alive(int(pid)):
            continue
        reason = f"its process (pid {pid} on {host}) ended without finishing the run (killed?)"
        instance.report_run_failed(run, message=f"Marked failed by a later run: {reason}")
        lines.append(f"run {run.run_id} was left STARTED; marked failed: {reason}")
    return lines


@contextlib.contextmanager
def run_scratch() -> Iterator[Path]:
    """A temporary folder of this run that holds every temporary file the run makes (this
    process through ``tempfile``, child processes through ``TMPDIR``), removed at the end.
    Folders of runs whose process is gone (killed) are removed first."""
    from publish.lock import pid_alive

    base = Path(tempfile.gettempdir())
    for entry in base.glob(f"{SCRATCH_PREFIX}*"):
        pid = entry.name.removeprefix(SCRATCH_PREFIX).split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}.", dir=base))
    before = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"], tempfile.tempdir = str(folder), str(folder)
    try:
        yield folder
    finally:
        if before[0] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = before[0]
        tempfile.tempdir = before[1]
        shutil.rmtree(folder, ignore_errors=True)


# --- what failed --------------------------------------------------------------------------


BLOCKED = "DagsterAssetCheckFailedError"  # what a step raises when its blocking checks failed


def handed_files(paths: list[str]) -> list[str]:
    """``--table`` files, each read and matched to a configured table before any work starts,
    so a file that cannot be mapped is one clear line, not a failed run."""
    if not paths:
        return []
    from assets.collect.table_files import TableFileError, read_table_file
    from assets.collect.tables import load_statfin_tables, load_vipunen_resources

    statfin, vipunen = load_statfin_tables(), load_vipunen_resources()
    out = []
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise UsageError(
                f"--table {name}: no such file; give a PX file or a StatFin or Vipunen export"
            )
        try:
            read_table_file(path, statfin, vipunen)
        except TableFileError as exc:
            raise UsageError(f"--table {name}: {exc}") from None
        out.append(str(path.resolve()))
    return out


def degraded_report(status: Any) -> list[str]:
    """``published with N stale/missing tables`` and one line per such table, or nothing."""
    bad = status[status["status"].isin(["stale", "missing"])]
    if bad.empty:
        return []
    lines = [f"published with {len(bad)} stale/missing tables:"]
    for row in bad.itertuples():
        kept = "the previous release's rows kept" if row.status == "stale" else "left out"
        lines.append(f"  {row.source_table} ({row.measure}): {row.status}, {kept} — {row.error}")
        lines.append(f"    fix: {row.fix}")
    return lines


def failure_report(result: Any) -> list[str]:
    """What a maintainer needs from a failed run: each failed step's own one-line reason, each
    failed blocking check with its count, fix and first failing row, and where to look next."""
    lines = []
    failed_steps = [e for e in result.all_events if e.is_step_failure]
    checks = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and not e.asset_check_evaluation_data.passed
        and e.asset_check_evaluation_data.severity.value == "ERROR"
    ]
    for check in checks:
        sample = check.metadata.get("sample")
        first = sample.value[0] if sample is not None and sample.value else None
        lines.append(
            f"check {check.asset_key.to_user_string()}:{check.check_name} failed: "
            f"{check.description}"
            + (f"; first: {', '.join(f'{k}={v}' for k, v in first.items())}" if first else "")
        )
    for event in failed_steps:  # every step, a check step too: its check may have raised
        error = event.step_failure_data.error
        if checks and error is not None and error.cls_name == BLOCKED:
            continue  # "blocking checks failed": each failed check is a line above
        lines.append(f"step {event.step_key} failed: {source_failure(event)}")
    steps = ", ".join(e.step_key for e in failed_steps) or "none"
    lines.append(
        f"failed (run {result.run_id}, failed steps: {steps}). Nothing was published; "
        "`make dev` (dagster dev) shows the run, its checks and their metadata"
    )
    return lines


def source_failure(event: Any) -> str:
    """The one line a source client or a ``--counts`` file raised (what, where, what to do)."""
    error = event.step_failure_data.error
    while error is not None and error.cause is not None:
        error = error.cause
    message = error.message.strip() if error is not None else "a source could not be read"
    return re.sub(r"\s*\n\s*", "; ", re.sub(r"^[\w.]+(Error|Exception): ", "", message))


def live_resources(full_refresh: bool) -> dict[str, Any]:
    """Resource config of a live run; the API roots follow TASAPAINO_STATFIN_URL and
    TASAPAINO_VIPUNEN_URL, checked here so a typo is one clear line, not a failed run."""
    for name in ("TASAPAINO_STATFIN_URL", "TASAPAINO_VIPUNEN_URL"):
        value = os.environ.get(name, "")
        if value and not value.startswith(("http://", "https://")):
            raise UsageError(
                f"{name}={value}: not an http(s) URL; set it to an API root such as "
                "https://pxdata.stat.fi/PxWeb/api/v1, or unset it to use the real service"
            )
    return {
        "statfin": {"config": {"live": True, "full_refresh": full_refresh}},
        "vipunen": {"config": {"live": True}},
    }


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser(
        "run",
        help="run the whole pipeline and publish a release",
        description="Collect, check, compute, apply criteria and publish a release under "
        "DIR/releases/<release-id>/, with DIR/latest pointing at it.",
    )
    run.add_argument(
        "--out",
        default="dist",
        metavar="DIR",
        help="release root: a folder or an object-store URL such as s3://bucket/dist "
        "(default: dist)",
    )
    run.add_argument(
        "--source",
        default="snapshot",
        choices=["snapshot", "live"],
        help="where data come from: the bundled snapshot (default) or the StatFin and "
        "Vipunen APIs at TASAPAINO_STATFIN_URL / TASAPAINO_VIPUNEN_URL",
    )
    run.add_argument(
        "--run-date",
        default="",
        metavar="YYYY-MM-DD",
        help="pin the run date (for byte-identical rebuilds; default: today in Helsinki)",
    )
    run.add_argument(
        "--base-url",
        default="",
        metavar="URL",
        help="the address the release is published at (default: TASAPAINO_PUBLIC_URL); the "
        "articles' Markdown then uses absolute links and image URLs, for pasting into a blog",
    )
    run.add_argument(
        "--snapshot",
        default="",
        metavar="DIR",
        help="read the snapshot from DIR instead of the bundled data/snapshot",
    )
    run.add_argument(
        "--counts",
        action="append",
        default=[],
        metavar="FILE",
        help="a counts-contract CSV or Parquet file whose tables (source_table + measure) "
        "replace the same tables of the run, e.g. a corrected transcription; repeatable. "
        "The rows pass the same blocking checks",
    )
    run.add_argument(
        "--table",
        action="append",
        default=[],
        metavar="FILE",
        help="a table downloaded by hand from StatFin (PX file or CSV export) or Vipunen (Excel "
        "or CSV export); it is recognised from its own metadata and replaces the same configured "
        "table of the run; repeatable",
    )
    run.add_argument(
        "--strict",
        action="store_true",
        help="fail the run when any source table cannot be read (default: publish the others, "
        "carry the table over from the previous release or list it as missing)",
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="with --source live: refetch every statistical year, not only new ones",
    )
    run.add_argument(
        "--wait",
        action="store_true",
        help="if another run is writing into --out, wait for it instead of stopping at once",
    )
    run.add_argument("--verbose", action="store_true", help="show Dagster's step log")
    run.set_defaults(func=handle)
