"""Load and validate the criteria catalogue (``catalogue/*.yaml``, one criteria set per file).

Validation has two layers. The JSON Schema (``catalogue.schema.json``) checks the shape: required
keys, languages, threshold forms, provenance. The checks here check meaning: metrics that exist,
themes that are declared, class bounds that neither overlap nor leave gaps. Every error names the
file and the entry, so the working group can fix a YAML file without reading code.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from assets.contracts import CRITERIA_CATALOGUE, conform
from assets.criteria.metrics import METRICS
from assets.criteria.rules import Interval, describe, first_gap, first_overlap, threshold_form
from assets.reference.paths import PROJECT_ROOT

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
SCHEMA_PATH = Path(__file__).resolve().parent / "catalogue.schema.json"
LANGS = ("fi", "sv", "en")
THRESHOLD_FORMS = (
    "thresholds must be one of {op: gt|ge|lt|le, value: N}, "
    "{op: between, low: N, high: N, include_low: true|false, include_high: true|false} or "
    "{op: gt|ge|lt|le, reference_region: SSS}"
)


class CatalogueError(ValueError):
    """A criteria file is malformed; the message names the file and the entry."""


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _entry(data: Any, location: Iterable[Any]) -> str:
    """``criteria[2] (id 'balanced_40_60').thresholds`` for a JSON-Schema error path."""
    parts: list[str] = []
    node = data
    for step in location:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
            ident = node.get("id") if isinstance(node, dict) else None
            parts[-1] += f"[{step}]" + (f" (id '{ident}')" if ident else "")
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "top level"


def validate_set(data: Any, path: Path) -> dict[str, Any]:
    """Return the set if it is valid; raise :class:`CatalogueError` naming file and entry."""
    import jsonschema  # imported here: the code location loads without it

    where = _shown(path)
    if not isinstance(data, dict):
        raise CatalogueError(f"{where}: top level: expected a mapping of set fields, got {data!r}")
    errors = sorted(
        jsonschema.Draft202012Validator(schema()).iter_errors(data),
        key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))),
    )
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        message = error.message
        while error.parent is not None and error.parent.validator == "oneOf":
            error = error.parent
            message = THRESHOLD_FORMS
        raise CatalogueError(
            f"{where}: set '{data.get('id', '?')}', {_entry(data, error.absolute_path)}: {message}"
        )
    for problem in _meaning_problems(data):
        raise CatalogueError(f"{where}: set '{data['id']}', {problem}")
    return data


def _meaning_problems(cset: dict[str, Any]) -> Iterable[str]:
    themes = {t["id"]: {d["id"] for d in t.get("dimensions", [])} for t in cset["themes"]}
    seen: set[str] = set()
    for crit in cset["criteria"]:
        where = f"criterion '{crit['id']}'"
        if crit["id"] in seen:
            yield f"{where}: the id is used twice in the set"
        seen.add(crit["id"])
        if crit["theme"] not in themes:
            yield f"{where}: theme '{crit['theme']}' is not declared under themes"
        elif "dimension" in crit and crit["dimension"] not in themes[crit["theme"]]:
            yield (
                f"{where}: dimension '{crit['dimension']}' is not declared under theme "
                f"'{crit['theme']}'"
            )
        if cset["provenance"]["verbatim"] and crit.get("text_status", "verbatim") != "verbatim":
            yield f"{where}: provenance says verbatim: true but text_status is not verbatim"
        thresholds = crit["thresholds"]
        if thresholds["op"] == "between" and Interval.of(thresholds).is_empty():
            yield (
                f"{where}: thresholds low {thresholds['low']} and high {thresholds['high']} "
                "leave no value between them"
            )
        if crit["kind"] == "statistical":
            yield from _statistical_problems(crit, cset, where)
        else:
            yield from _self_assessment_problems(crit, where)
    yield from _group_problems(cset)


def _statistical_problems(crit: dict[str, Any], cset: dict[str, Any], where: str) -> Iterable[str]:
    metric = METRICS.get(crit["metric"])
    if metric is None:
        yield f"{where}: unknown metric '{crit['metric']}'; known metrics: {', '.join(METRICS)}"
        return
    form = threshold_form(crit["thresholds"])
    if form not in metric.forms:
        yield f"{where}: metric '{crit['metric']}' does not accept {form} thresholds"
    if crit["subjects"] != [metric.subject]:
        yield (
            f"{where}: metric '{crit['metric']}' judges subjects [{metric.subject}], "
            f"not {crit['subjects']}"
        )
    problem = metric.check_params(crit.get("params", {}), cset)
    if problem:
        yield f"{where}: metric '{crit['metric']}' {problem}"


def _self_assessment_problems(crit: dict[str, Any], where: str) -> Iterable[str]:
    scale = crit["scale"]
    if scale["min"] >= scale["max"]:
        yield f"{where}: scale min {scale['min']} must be below max {scale['max']}"
    if threshold_form(crit["thresholds"]) != "interval":
        yield f"{where}: a self-assessment target compares the mean score with a number"
    if crit["subjects"] != ["organisation_group"]:
        yield f"{where}: self-assessment criteria judge subjects [organisation_group]"


def _group_problems(cset: dict[str, Any]) -> Iterable[str]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for crit in cset["criteria"]:
        if "exclusive_group" in crit:
            groups.setdefault(crit["exclusive_group"], []).append(crit)
    for name, members in groups.items():
        metrics = {c["metric"] for c in members}
        domain = METRICS[members[0]["metric"]].domain if len(metrics) == 1 else None
        if len(metrics) != 1 or domain is None:
            yield (
                f"exclusive_group '{name}': every member must use one share metric, "
                f"got {sorted(metrics)}"
            )
            continue
        intervals = {c["id"]: Interval.of(c["thresholds"]) for c in members}
        overlap = first_overlap(intervals)
        if overlap:
            a, b, x = overlap
            yield (
                f"exclusive_group '{name}': criterion '{b}' overlaps criterion '{a}' "
                f"(both contain {members[0]['metric']} = {float(x):g}); class bounds must not "
                "overlap"
            )
        gap = first_gap(intervals.values(), *domain)
        if gap is not None:
            yield (
                f"exclusive_group '{name}': no criterion contains {members[0]['metric']} = "
                f"{float(gap):g}; the classes must cover {domain[0]}..{domain[1]}"
            )


def load_set(path: Path) -> dict[str, Any]:
    return validate_set(copy.deepcopy(_parsed(path, *_stamp(path))), path)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)  # read_text below raises the real error
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=256)
def _parsed(path: Path, mtime_ns: int, size: int) -> Any:
    """The YAML of a set, parsed once per file version: a run reads the catalogue in several
    steps (criteria, self-assessment, articles) and parsing is most of what that costs."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{_shown(path)}: not valid YAML: {exc}") from exc


def load_catalogue(directory: Path = CATALOGUE_DIR) -> list[dict[str, Any]]:
    """Every criteria set, in file-name order, validated alone and together.

    Set ids must be unique, and self-assessment criterion ids unique across sets, because a
    response file names only the criterion.
    """
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise CatalogueError(f"{_shown(directory)}: no criteria sets (*.yaml) found")
    sets = [load_set(p) for p in paths]
    owner: dict[str, str] = {}
    for path, cset in zip(paths, sets, strict=True):
        if cset["id"] in owner:
            raise CatalogueError(
                f"{_shown(path)}: set id '{cset['id']}' is also used by {owner[cset['id']]}"
            )
        owner[cset["id"]] = _shown(path)
    questions: dict[str, str] = {}
    for path, cset in zip(paths, sets, strict=True):
        for crit in cset["criteria"]:
            if crit["kind"] != "self_assessment":
                continue
            if crit["id"] in questions:
                raise CatalogueError(
                    f"{_shown(path)}: set '{cset['id']}', criterion '{crit['id']}': the id is "
                    f"also a self-assessment criterion of set '{questions[crit['id']]}'"
                )
            questions[crit["id"]] = cset["id"]
    return sets


def catalogue_versions(catalogue: list[dict[str, Any]]) -> dict[str, str]:
    """Set id → version, for run metadata and article front matter."""
    return {s["id"]: str(s["version"]) for s in catalogue}


def criterion_texts(lang: str, catalogue: list[dict[str, Any]] | None = None) -> pd.DataFrame:
    """Every criterion's title and text in one language, for articles and the data page.

    ``text_status`` tells a writer whether the text may be quoted as the source's
    (``verbatim``), is ours (``our_wording``), or is a placeholder (``to_fill_in``) that must not
    be shown as the source's text. Statistical criteria without a text fall back to the title.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    rows = []
    for cset in catalogue if catalogue is not None else load_catalogue():
        prov = cset["provenance"]
        themes = {t["id"]: t["title"][lang] for t in cset["themes"]}
        for crit in cset["criteria"]:
            rows.append(
                {
                    "criteria_set": cset["id"],
                    "criteria_version": str(cset["version"]),
                    "set_title": cset["title"][lang],
                    "criterion_id": crit["id"],
                    "kind": crit["kind"],
                    "theme": crit["theme"],
                    "theme_title": themes[crit["theme"]],
                    "theme_dimension": crit.get("dimension", ""),
                    "title": crit["title"][lang],
                    "text": crit.get("text", crit["title"])[lang],
                    "text_status": crit.get(
                        "text_status", "verbatim" if prov["verbatim"] else "our_wording"
                    ),
                    "threshold_note": crit.get("threshold_note", {}).get(lang, ""),
                    "caveat": crit.get("caveat", {}).get(lang, ""),
                    "approximation": bool(crit.get("approximation", False)),
                    "origin": prov["origin"],
                    "publisher": prov["publisher"],
                    "source_url": prov["source_url"],
                }
            )
    return pd.DataFrame(rows)


def catalogue_table(catalogue: list[dict[str, Any]]) -> pd.DataFrame:
    """The published ``criteria_catalogue``: one row per criterion, with its source and texts.

    Published beside ``criteria_results`` so that every result can be traced to the criterion's
    wording, version and source, and placeholders are visibly marked ``to_fill_in``.
    """
    rows = []
    for cset in catalogue:
        prov = cset["provenance"]
        for crit in cset["criteria"]:
            metric = crit.get("metric", "mean_score")
            row = {
                "criteria_set": cset["id"],
                "criteria_version": str(cset["version"]),
                "origin": prov["origin"],
                "publisher": prov["publisher"],
                "source_url": prov["source_url"],
                "source_date": str(prov["date"]),
                "verbatim": bool(prov["verbatim"]),
                "criterion_id": crit["id"],
                "kind": crit["kind"],
                "theme": crit["theme"],
                "theme_dimension": crit.get("dimension", ""),
                "metric": metric,
                "params": json.dumps(crit.get("params", {}), ensure_ascii=False, sort_keys=True),
                "threshold": describe(metric, crit["thresholds"]),
                "text_status": crit.get(
                    "text_status", "verbatim" if prov["verbatim"] else "our_wording"
                ),
                "approximation": bool(crit.get("approximation", False)),
            }
            for field in ("title", "text", "threshold_note", "caveat"):
                texts = crit.get(field, crit["title"] if field == "text" else {})
                row.update({f"{field}_{lang}": texts.get(lang, "") for lang in LANGS})
            rows.append(row)
    return conform(pd.DataFrame(rows), CRITERIA_CATALOGUE)
