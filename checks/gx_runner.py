"""Run the rules through Great Expectations Core 1.x and turn its results into ``Outcome``s.

GX is imported here, inside functions, and only when a check runs: importing it costs several
seconds, which the Dagster code location must not pay at load. The data context is ephemeral
(in memory), with analytics and progress bars off; the pipeline never writes GX state to disk.
The release's quality pages are rendered from the outcomes by ``checks.report``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from checks.suites import Rule, where_columns
from checks.vectorised import ROW_COUNT, Reduced, reduce_view

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
    observed: Any = None

    @property
    def blocking(self) -> bool:
        return not self.passed and self.severity == "error"


def _gx() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    return gx


# Views longer than this go to GX reduced (checks/vectorised.py): below it GX's cost is its
# per-expectation overhead, not rows, and the whole view is the simplest record.
REDUCE_ABOVE = 2_000


class Validator:
    """One GX ephemeral context, with every suite and validation definition built once.

    A suite (one per dataset view) is made the first time it is needed and then run again on
    each new table: building contexts and suites is work that does not depend on the data, so a
    process (a run, a test session, a server) pays for it once. ``reduce_above``: views longer
    than this are judged on their reduced view (None: never reduce).
    """

    def __init__(self, reduce_above: int | None = REDUCE_ABOVE) -> None:
        gx = _gx()
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        )
        self._gx = gx
        self._context = gx.get_context(mode="ephemeral", project_config=config)
        self._source = self._context.data_sources.add_pandas("tasapaino")
        self._definitions: dict[tuple[Any, ...], Any] = {}
        self.reduce_above = reduce_above

    def validate(
        self, dataset: str, rules: list[Rule], views: Mapping[str, pd.DataFrame]
    ) -> list[Outcome]:
        outcomes: dict[str, Outcome] = {}
        for task in tasks(dataset, rules, views, self.reduce_above):
            outcomes.update(self.judge(task))
        return [outcomes[r.name] for r in rules]

    def _definition(self, dataset: str, view: str, rules: list[Rule]) -> Any:
        """The validation definition of one view's rules, made once per context."""
        key = (
            dataset,
            view,
            tuple((r.name, r.expectation, repr(r.kwargs), r.severity) for r in rules),
        )
        if key in self._definitions:
            return self._definitions[key]
        gx = self._gx
        import great_expectations.expectations as gxe

        name = f"{dataset}.{view}"
        if any(k[:2] == (dataset, view) for k in self._definitions):
            name = f"{name}.{len(self._definitions)}"  # other rules for the same view (tests)
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
        self._definitions[key] = definition
        return definition

    def judge(self, task: Task) -> dict[str, Outcome]:
        """GX's verdict on one view: the only part of a validation that needs GX."""
        definition = self._definition(task.dataset, task.view, task.rules)
        result_format: dict[str, Any] = {
            "result_format": "SUMMARY",
            "partial_unexpected_count": SAMPLE,
            "include_unexpected_rows": False,
            "return_unexpected_index_query": False,
        }
        if task.where:
            result_format["unexpected_index_column_names"] = task.where
        result = definition.run(
            batch_parameters={"dataframe": task.judged}, result_format=result_format
        )
        by_rule = {r.expectation_config.meta["rule"]: r for r in result.results}
        return {
            rule.name: _outcome(task.dataset, rule, by_rule[rule.name], task.rows, task.reduced)
            for rule in task.rules
        }


@dataclass(frozen=True)
class Task:
    """One view's rules and the rows GX judges: the view itself, or its reduced view."""

    dataset: str
    view: str
    rules: list[Rule]
    judged: pd.DataFrame
    rows: int
    where: list[str]
    reduced: Reduced | None


def tasks(
    dataset: str,
    rules: list[Rule],
    views: Mapping[str, pd.DataFrame],
    reduce_above: int | None = REDUCE_ABOVE,
) -> list[Task]:
    """The GX work of a validation, prepared without GX (views reduced with numpy/pandas), so
    it can be judged in this process or handed to another one (``checks.gx_process``)."""
    out = []
    for view in dict.fromkeys(r.view for r in rules):
        view_rules = [r for r in rules if r.view == view]
        frame = views[view].reset_index(drop=True)
        reduced = None
        if reduce_above is not None and len(frame) > reduce_above:
            reduced = reduce_view(frame, view_rules, SAMPLE)
        where = [c for c in where_columns(dataset, view) if c in frame.columns]
        out.append(
            Task(
                dataset=dataset,
                view=view,
                rules=view_rules,
                judged=frame if reduced is None else reduced.frame,
                rows=len(frame),
                where=where if not frame.empty else [],
                reduced=reduced,
            )
        )
    return out


_SHARED: Any = None


def shared_validator() -> Any:
    """The process's validator: GX imported, its context and suites built once per process —
    in the GX process ``tasapaino run`` starts (``checks.gx_process``), or else here."""
    global _SHARED
    if _SHARED is None:
        from checks import gx_process

        _SHARED = gx_process.validator() or Validator()
    return _SHARED


def local_validator_ready() -> bool:
    """Whether this process has built its own validator already (GX loaded here)."""
    return isinstance(_SHARED, Validator)


def _outcome(
    dataset: str, rule: Rule, result: Any, rows: int, reduced: Reduced | None = None
) -> Outcome:
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
    checked = int(details.get("element_count") or rows)
    if reduced is not None:
        # GX judged the reduced view; the exact numbers are the whole view's.
        checked = rows
        if rule.name in reduced.failing and not result.success:
            failing = max(failing, reduced.failing[rule.name])
        if rule.expectation == ROW_COUNT:
            observed = rows
    return Outcome(
        dataset=dataset,
        rule=rule.name,
        severity=rule.severity,
        passed=bool(result.success) and not error,
        what=rule.what,
        fix=rule.fix,
        checked=checked,
        failing=failing,
        sample=sample,
        values=values,
        error=error,
        observed=_plain(observed),
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
