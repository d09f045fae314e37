"""Run the rules through Great Expectations Core 1.x and turn its results into ``Outcome``s.

GX is imported here, inside functions, and only when a check runs: importing it costs several
seconds, which the Dagster code location must not pay at load. The data context is ephemeral
(in memory), with analytics and progress bars off; the pipeline never writes GX state to disk
except the Data Docs a release asks for.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from checks.suites import WHERE, Rule

# How many failing rows an outcome keeps (metadata, CLI, Data Docs stay readable).
SAMPLE = 20


@dataclass(frozen=True)
class Outcome:
    """One rule's verdict on one dataset."""

    dataset: str
    rule: str
    severity: str
    passed: bool
    what: str
    fix: str
    checked: int = 0
    failing: int = 0
    sample: list[dict[str, Any]] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""

    @property
    def blocking(self) -> bool:
        return not self.passed and self.severity == "error"


def _gx() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    return gx


class Validator:
    """One GX ephemeral context; optionally a Data Docs site written to ``docs_dir``."""

    def __init__(self, docs_dir: Path | None = None) -> None:
        gx = _gx()
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        sites = {}
        if docs_dir is not None:
            sites["quality"] = {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            data_docs_sites=sites,
        )
        self._gx = gx
        self._context = gx.get_context(mode="ephemeral", project_config=config)
        self._source = self._context.data_sources.add_pandas("tasapaino")
        self._docs = docs_dir is not None
        self._run_id: Any = None
        self._runs: dict[str, int] = {}

    def pin_run(self, run_name: str, run_time: Any) -> None:
        """Fix the Data Docs run id so the same inputs give the same pages."""
        from great_expectations.core.run_identifier import RunIdentifier

        self._run_id = RunIdentifier(run_name=run_name, run_time=run_time)

    def validate(
        self, dataset: str, rules: list[Rule], views: Mapping[str, pd.DataFrame]
    ) -> list[Outcome]:
        outcomes: dict[str, Outcome] = {}
        for view in dict.fromkeys(r.view for r in rules):
            view_rules = [r for r in rules if r.view == view]
            outcomes.update(self._validate_view(dataset, view, view_rules, views[view]))
        return [outcomes[r.name] for r in rules]

    def _validate_view(
        self, dataset: str, view: str, rules: list[Rule], frame: pd.DataFrame
    ) -> dict[str, Outcome]:
        gx = self._gx
        import great_expectations.expectations as gxe

        name = f"{dataset}.{view}"
        self._runs[name] = self._runs.get(name, 0) + 1
        if self._runs[name] > 1:  # GX names must be unique within a context
            name = f"{name}.{self._runs[name]}"
        asset = self._source.add_dataframe_asset(name)
        batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        suite = gx.ExpectationSuite(name=name)
        for rule in rules:
            expectation = getattr(gxe, rule.expectation)(
                **rule.kwargs,
                meta={"rule": rule.name, "what": rule.what, "fix": rule.fix},
                severity="critical" if rule.severity == "error" else "warning",
            )
            suite.add_expectation(expectation)
        suite = self._context.suites.add(suite)
        definition = self._context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
        )
        where = [c for c in WHERE.get(dataset, {}).get(view, []) if c in frame.columns]
        result_format: dict[str, Any] = {
            "result_format": "SUMMARY",
            "partial_unexpected_count": SAMPLE,
            "include_unexpected_rows": False,
            "return_unexpected_index_query": False,
        }
        if where and not frame.empty:
            result_format["unexpected_index_column_names"] = where
        frame = frame.reset_index(drop=True)
        if self._docs:
            checkpoint = self._context.checkpoints.add(
                gx.Checkpoint(
                    name=name,
                    validation_definitions=[definition],
                    actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
                    result_format=result_format,
                )
            )
            run = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=self._run_id)
            result = next(iter(run.run_results.values()))
        else:
            result = definition.run(
                batch_parameters={"dataframe": frame}, result_format=result_format
            )
        by_rule = {r.expectation_config.meta["rule"]: r for r in result.results}
        return {
            rule.name: _outcome(dataset, rule, by_rule[rule.name], len(frame)) for rule in rules
        }


def _outcome(dataset: str, rule: Rule, result: Any, rows: int) -> Outcome:
    info = result.exception_info or {}
    error = ""
    if info.get("raised_exception"):
        error = str(info.get("exception_message") or "the expectation could not be evaluated")
    details = result.result or {}
    column = rule.kwargs.get("column")
    sample = []
    for record in details.get("partial_unexpected_index_list") or []:
        place = _plain(record)
        if column in place:
            place["value"] = place.pop(column)
        sample.append(place)
    values = [_plain(d) for d in details.get("partial_unexpected_counts") or []]
    observed = details.get("observed_value")
    if not sample and observed is not None and not result.success:
        sample = [{"observed": _plain(observed)}]
    failing = int(details.get("unexpected_count") or (0 if result.success else max(1, len(sample))))
    return Outcome(
        dataset=dataset,
        rule=rule.name,
        severity=rule.severity,
        passed=bool(result.success) and not error,
        what=rule.what,
        fix=rule.fix,
        checked=int(details.get("element_count") or rows),
        failing=failing,
        sample=sample,
        values=values,
        error=error,
    )


def _plain(value: Any) -> Any:
    """JSON-friendly copies of GX's numpy / pandas values."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CACHE_BUSTER = re.compile(r"\?d=[0-9T.]+Z")
_LOAD_TIME = re.compile(r"(ge_load_time</span>.*?<span[^>]*>)[0-9T.]+Z", re.S)


def stable_docs(directory: Path) -> dict[str, bytes]:
    """The Data Docs site as release files, with GX's per-build noise removed.

    GX stamps every page with the build time, the batch load time and random element ids; a
    release must be the same bytes for the same inputs, so ids are renumbered in order of
    appearance and the stamps dropped. The static images of GX's how-to pages (3 MB, unused
    with the buttons off) are left out.
    """
    files: dict[str, bytes] = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        rel = path.relative_to(directory).as_posix()
        if rel.startswith("static/images/") and not rel.endswith("favicon.ico"):
            continue
        data = path.read_bytes()
        if rel.endswith(".html"):
            data = _stabilise(data.decode("utf-8")).encode("utf-8")
        files[rel] = data
    return files


def _stabilise(html: str) -> str:
    ids: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        return ids.setdefault(match.group(0), f"id{len(ids) + 1:04d}")

    html = _LOAD_TIME.sub(r"\g<1>(batch load time not kept)", _CACHE_BUSTER.sub("", html))
    return _UUID.sub(renumber, html)
