"""CHANGELOG.md of a release: what changed in ``counts`` since the previous release.

A journalist who quoted last month's figure needs to know whether it still holds. For each
release the changelog names the previous release and lists, in Finnish with English glosses:
new statistical years per measure, figures that were revised (how many cells changed, the
largest revisions with old and new value), cells added or removed, changes of method that move
figures without any change in the sources (``method_changes``), and the quality checks that
warned (WARN severity: published, but worth a look). The previous release's changelog follows,
so the file is the whole history.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from assets.contracts import COUNTS
from publish.method_changes import MethodChange

KEY = list(COUNTS.primary_key)
LARGEST = 10
TITLE = "# Muutosloki (changelog)"


@dataclass(frozen=True)
class CheckWarning:
    """A quality check that did not pass at WARN severity in the run that built the release."""

    asset: str
    check: str
    description: str


def warnings_from_table(table: pd.DataFrame) -> list[CheckWarning]:
    """WARN rows of the quality report (``quality_warnings``: dataset, check, what, failing,
    checked, fix) as changelog entries."""
    out = []
    for row in table.to_dict("records"):
        counted = f" ({row['failing']} / {row['checked']})" if "failing" in row else ""
        fix = f"; {row['fix']}" if row.get("fix") else ""
        out.append(
            CheckWarning(str(row["dataset"]), str(row["check"]), f"{row['what']}{counted}{fix}")
        )
    return out


def merge_warnings(*sources: list[CheckWarning]) -> list[CheckWarning]:
    """One entry per (asset, check); the first source that names a check wins."""
    seen: dict[tuple[str, str], CheckWarning] = {}
    for source in sources:
        for w in source:
            seen.setdefault((w.asset, w.check), w)
    return list(seen.values())


@dataclass(frozen=True)
class CountsDiff:
    new_years: dict[str, list[int]]
    revised: pd.DataFrame  # KEY + old, new, change; sorted by |change| descending
    added: int
    removed: int


def _normalised(df: pd.DataFrame) -> pd.DataFrame:
    """Key columns as plain strings and count as Int64, whatever reader produced the frame."""
    out = df[[*KEY, "count"]].copy()
    for col in KEY:
        out[col] = out[col].astype("string")
    out["count"] = pd.to_numeric(out["count"]).astype("Int64")
    return out


def compare_counts(old: pd.DataFrame, new: pd.DataFrame) -> CountsDiff:
    """Cell-by-cell comparison on the ``counts`` primary key."""
    o, n = _normalised(old), _normalised(new)
    merged = o.merge(n, on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    changed = both["count_old"].astype("Float64").fillna(-1) != both["count_new"].astype(
        "Float64"
    ).fillna(-1)
    revised = both[changed].rename(columns={"count_old": "old", "count_new": "new"})
    revised = revised[[*KEY, "old", "new"]].copy()
    revised["change"] = (revised["new"] - revised["old"]).astype("Int64")
    order = revised["change"].abs().astype("Float64").fillna(float("inf"))
    revised = (
        revised.assign(_order=order)
        .sort_values(["_order", *KEY], ascending=[False, *[True] * len(KEY)])
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    old_years = o.groupby("measure")["year"].agg(set).to_dict()
    new_years = {
        measure: sorted(int(y) for y in years - old_years.get(measure, set()))
        for measure, years in n.groupby("measure")["year"].agg(set).items()
    }
    return CountsDiff(
        new_years={m: ys for m, ys in sorted(new_years.items()) if ys},
        revised=revised,
        added=int((merged["_merge"] == "right_only").sum()),
        removed=int((merged["_merge"] == "left_only").sum()),
    )


def _fmt(value: object) -> str:
    return "–" if pd.isna(value) else str(int(value))


def _section(
    release_id: str,
    previous_id: str | None,
    diff: CountsDiff | None,
    warnings: list[CheckWarning],
    methods: list[MethodChange],
) -> list[str]:
    lines = [f"## {release_id}", ""]
    if previous_id is None or diff is None:
        lines.append("Ensimmäinen julkaisu (first release).")
    else:
        lines += [f"Verrattu julkaisuun {previous_id} (compared with release {previous_id}).", ""]
        lines += ["### Uudet vuodet (new years)", ""]
        if diff.new_years:
            lines += [
                f"- {measure}: {', '.join(str(y) for y in years)}"
                for measure, years in diff.new_years.items()
            ]
        else:
            lines.append("Ei uusia vuosia (no new years).")
        lines += ["", "### Korjatut luvut (revised figures)", ""]
        n = len(diff.revised)
        lines.append(
            f"{n} solua muuttui (cells changed); {diff.added} lisätty (added), "
            f"{diff.removed} poistettu (removed)."
        )
        if n:
            shown = diff.revised.head(LARGEST)
            lines += [
                "",
                f"Suurimmat korjaukset (largest revisions, {len(shown)} of {n}):",
                "",
                "| source_table | measure | region_code | year | unit_code | sex "
                "| vanha (old) | uusi (new) | muutos (change) |",
                "|---|---|---|---|---|---|---:|---:|---:|",
            ]
            for r in shown.to_dict("records"):
                change = "–" if pd.isna(r["change"]) else f"{int(r['change']):+d}"
                lines.append(
                    f"| {r['source_table']} | {r['measure']} | {r['region_code']} | {r['year']} "
                    f"| {r['unit_code']} | {r['sex']} | {_fmt(r['old'])} | {_fmt(r['new'])} "
                    f"| {change} |"
                )
        lines += ["", "### Menetelmämuutokset (method changes)", ""]
        if methods:
            lines += [
                f"- {m.dataset} ({', '.join(m.what)}), {m.date.isoformat()}: {m.fi} ({m.en})"
                for m in methods
            ]
        else:
            lines.append("Ei menetelmämuutoksia (no method changes).")
    lines += ["", "### Laatuvaroitukset (WARN checks)", ""]
    if warnings:
        lines += [
            f"- {w.asset} / {w.check}: {w.description}"
            for w in sorted(warnings, key=lambda w: (w.asset, w.check, w.description))
        ]
    else:
        lines.append("Ei varoituksia (no warnings).")
    return [*lines, ""]


def render(
    release_id: str,
    previous_id: str | None,
    diff: CountsDiff | None,
    warnings: list[CheckWarning],
    previous_changelog: str = "",
    methods: list[MethodChange] | None = None,
) -> bytes:
    """The new section on top, then the previous release's changelog without its title.
    ``methods``: the changes of method since the previous release (``method_changes.since``)."""
    older = previous_changelog.split("\n", 1)[1].lstrip("\n") if previous_changelog else ""
    section = _section(release_id, previous_id, diff, warnings, list(methods or []))
    text = "\n".join([TITLE, "", *section])
    if older:
        text += "\n" + older
    return text.rstrip("\n").encode("utf-8") + b"\n"
