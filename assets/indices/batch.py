"""Every index for many tables at once: packing long tables into dense arrays, and the
``segregation_indices`` dataset from ``unit_shares``.

Tables (one per region × year × level × measure, or per ``--by`` group in the CLI) are packed into
one zero-padded array (tables × [regions ×] groups × units) so that each index is one vectorised
numpy pass over all tables; padding units are empty and change nothing (see ``twogroup``).
"""

from __future__ import annotations

import multiprocessing
import os
import zlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from assets.indices import allocator, bootstrap, decompose, expected, multigroup, twogroup
from assets.reference.keys import TABLE_KEY as UNIT_TABLE_KEY

if TYPE_CHECKING:  # pandas only for the dataset: `tasapaino indices` never imports it
    import pandas as pd

TABLE_KEY = [*UNIT_TABLE_KEY, "source_table"]
TWO_GROUPS = ("women", "men")
# Index ids of the dataset: the CLI's ten, the persons' shares in the other four of Statistics
# Finland's classes, and D and M expected under no segregation given the margins.
CLASS_SHARE_IDS = tuple(n for n in twogroup.CLASS_SHARE_NAMES if not n.endswith("balanced_40_60"))
EXPECTED_IDS = ("dissimilarity_expected", "mutual_information_m_expected")
DATASET_INDEX_IDS = (*twogroup.INDEX_NAMES, *CLASS_SHARE_IDS, *EXPECTED_IDS)
WITHIN_KEYS = (
    "M_total",
    "M_between",
    "M_within",
    "H_total",
    "H_between",
    "H_within",
    "S_total",
    "S_between",
    "S_within",
)
MULTIGROUP_REASON = "undefined: this index needs exactly the two groups women and men"
BOOTSTRAP_REPS = 200
SEED = 20260101
# Indices with a bootstrap interval (the expected values have none).
_BOOTSTRAP_IDS = (*twogroup.INDEX_NAMES, *CLASS_SHARE_IDS)
# Tables per chunk: 64 tables × 200 replicates × 840 cells is about 86 MB of draws.
_CHUNK_TABLES = 64
# Cells × replicates below which a pool costs more than it saves: about 9 million are done per
# CPU second, and starting the workers (fresh interpreters importing numpy) takes a second or two,
# so from about 4 s of work on. The bundled data (a few hundred small tables) stays in-process.
_PARALLEL_MIN_WORK = 1 << 25
# Upper bound of the pool, whatever the core count: memory grows with each worker.
_MAX_WORKERS = 4


@dataclass(frozen=True)
class PackedTables:
    """Dense counts of many tables: ``counts[table, region, group, unit]``; ``dropped_units``
    counts, per table, the units left out because a count was missing."""

    counts: np.ndarray
    dropped_units: np.ndarray


# Above this many cells, units are renumbered within each table instead of using one global
# numbering (which would leave most cells empty when every table has its own units).
_DENSE_CELL_LIMIT = 1 << 25


def pack_long(
    table_codes: np.ndarray,
    region_codes: np.ndarray,
    unit_codes: np.ndarray,
    group_codes: np.ndarray,
    counts: np.ndarray,
    n_groups: int,
) -> PackedTables:
    """Pack long rows (one per table × region × unit × group) into ``PackedTables``.

    Codes are 0-based integers; ``counts`` may hold NaN (a suppressed cell): the whole unit is
    then left out of its table, since half a unit would bias every index. Raises ValueError when
    a cell occurs twice (the input must hold one count per cell). Index arithmetic is done in
    place on one int64 array: with 16 million rows every temporary costs 128 MB of page faults.
    """
    n_tables = int(table_codes.max()) + 1 if len(table_codes) else 0
    n_regions = int(region_codes.max()) + 1 if len(region_codes) else 1
    n_units = int(unit_codes.max()) + 1 if len(unit_codes) else 0
    n_blocks = n_tables * n_regions
    if n_blocks * n_units * n_groups <= _DENSE_CELL_LIMIT:
        unit_pos, width = unit_codes, n_units
    else:
        unit_pos, width = _renumber_within(
            table_codes.astype(np.int64) * n_regions + region_codes, unit_codes, n_units
        )
    dropped = np.zeros(n_tables, dtype=np.int64)
    values = counts
    missing = np.isnan(counts)
    if missing.any():
        unit_key = (table_codes.astype(np.int64) * n_regions + region_codes) * width + unit_pos
        bad_units = np.unique(unit_key[missing])
        np.add.at(dropped, bad_units // (width * n_regions), 1)
        values = np.where(np.isin(unit_key, bad_units), 0.0, counts)
    # cell = ((table · regions + region) · groups + group) · width + unit: the bincount below is
    # then already laid out as (table, region, group, unit), with no transposed copy.
    key = table_codes.astype(np.int64)
    if n_regions > 1:
        key *= n_regions
        key += region_codes
    key *= n_groups
    key += group_codes
    key *= width
    key += unit_pos
    size = n_blocks * n_groups * width
    seen = np.zeros(size, dtype=bool)
    seen[key] = True
    if np.count_nonzero(seen) != len(key):
        per_cell = np.bincount(key, minlength=size)
        first, again = np.flatnonzero(key == int(np.flatnonzero(per_cell > 1)[0]))[:2]
        raise ValueError(
            f"data row {again + 1} repeats the table, unit and group of data row {first + 1}"
        )
    dense = np.bincount(key, weights=values, minlength=size)
    return PackedTables(dense.reshape(n_tables, n_regions, n_groups, width), dropped)


def _renumber_within(
    block: np.ndarray, unit_codes: np.ndarray, n_units: int
) -> tuple[np.ndarray, int]:
    """Position of each row's unit among its block's units, and the widest block."""
    key = block * n_units + unit_codes
    uniq, inverse = np.unique(key, return_inverse=True)
    uniq_block = uniq // n_units
    start = np.searchsorted(uniq_block, uniq_block, side="left")
    pos = np.arange(len(uniq)) - start
    return pos[inverse], int(pos.max()) + 1 if len(pos) else 0


def table_indices(
    counts: np.ndarray, group_labels: Sequence[str], within: bool
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The CLI's indices of packed tables (``counts[table, region, group, unit]``).

    Groups exactly women and men (in ``group_labels`` order, either possibly empty) give every
    index; other groups give M, H and M in bits (the multigroup forms) and null for the rest.
    With ``within`` also the between/within-region parts of M, H and S (regions on axis 1).
    Returns (values, reasons), each name → one entry per table.
    """
    n_tables, n_regions, n_groups, n_units = counts.shape
    flat = counts.transpose(0, 2, 1, 3).reshape(n_tables, n_groups, n_regions * n_units)
    two = tuple(group_labels) == TWO_GROUPS
    if two:
        values, reasons = twogroup.all_indices(flat[:, 0], flat[:, 1])
    else:
        values, reasons = _multigroup_indices(flat)
    if within:
        parts = {
            "M": decompose.mutual_within(counts),
            "H": decompose.theil_h_within(counts),
        }
        if two:
            parts["S"] = decompose.hutchens_within(counts)
        for key in WITHIN_KEYS:
            name, part = key.split("_")
            if name in parts:
                value = getattr(parts[name], part)
                values[key] = value
                reasons[key] = np.where(np.isnan(value), _why_multigroup_empty(flat), "")
            else:
                values[key] = np.full(n_tables, np.nan)
                reasons[key] = np.full(n_tables, MULTIGROUP_REASON, dtype=object)
    return values, reasons


def _multigroup_indices(flat: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    n = flat.shape[0]
    m = np.asarray(multigroup.mutual_information(flat)).reshape(n)
    h = np.asarray(multigroup.theil_h(flat)).reshape(n)
    why = _why_multigroup_empty(flat)
    values = {name: np.full(n, np.nan) for name in twogroup.INDEX_NAMES}
    reasons = {name: np.full(n, MULTIGROUP_REASON, dtype=object) for name in twogroup.INDEX_NAMES}
    for name, value in (
        ("mutual_information_m", m),
        ("mutual_information_m_log2", m / np.log(2)),
        ("theil_h", h),
    ):
        values[name] = value
        reasons[name] = np.where(np.isnan(value), why, "")
    return values, reasons


def _why_multigroup_empty(flat: np.ndarray) -> np.ndarray:
    persons = flat.sum((-2, -1))
    groups_present = (flat.sum(-1) > 0).sum(-1)
    return np.where(
        persons == 0,
        twogroup.STATUS_REASONS[1],
        np.where(groups_present < 2, "undefined: only one group has persons", ""),
    )


def segregation_indices(
    unit_shares: pd.DataFrame,
    bootstrap_reps: int = BOOTSTRAP_REPS,
    seed: int = SEED,
) -> pd.DataFrame:
    """The ``segregation_indices`` dataset: one row per table × index id (DATASET_INDEX_IDS).

    Units are those with ``in_indices``; a unit with a suppressed (empty) count is left out and
    the method note says how many. Tables of a single unit (e.g. one field per region) measure no
    segregation between units and get no rows. ``ci_low``/``ci_high`` are 95 % percentile
    intervals of ``bootstrap_reps`` multinomial resamples; each table's random stream is seeded
    from ``seed`` and its own key, so adding a table never changes another table's interval. The
    expected values under no segregation are exact (``expected``), not simulated.
    """
    import pandas as pd

    from assets.contracts import SEGREGATION_INDICES, conform

    # Only the columns needed: a copy of every column of millions of units would cost GBs.
    in_indices = unit_shares["in_indices"].fillna(False).astype(bool)
    used = unit_shares.loc[in_indices, [*TABLE_KEY, "women", "men"]]
    if used.empty:
        return conform(pd.DataFrame(columns=SEGREGATION_INDICES.names), SEGREGATION_INDICES)
    grouped = used.groupby(TABLE_KEY, sort=True, observed=True, dropna=False)
    sizes = grouped.size()
    keys = sizes[sizes >= 2].index.to_frame(index=False)
    if keys.empty:
        return conform(pd.DataFrame(columns=SEGREGATION_INDICES.names), SEGREGATION_INDICES)
    table_id = grouped.ngroup()
    keep_ids = np.flatnonzero(sizes.to_numpy() >= 2)
    remap = np.full(len(sizes), -1)
    remap[keep_ids] = np.arange(len(keep_ids))
    table = remap[table_id.to_numpy()]
    rows = used[table >= 0]
    table = table[table >= 0]
    suppressed = (rows["women"].isna() | rows["men"].isna()).to_numpy()
    n_suppressed = np.bincount(table[suppressed], minlength=len(keys))
    complete = rows[~suppressed]
    table_c = table[~suppressed]
    position = complete.groupby(table_c).cumcount().to_numpy()
    width = int(position.max()) + 1 if len(position) else 1
    women = np.zeros((len(keys), width))
    men = np.zeros((len(keys), width))
    women[table_c, position] = complete["women"].to_numpy(np.float64)
    men[table_c, position] = complete["men"].to_numpy(np.float64)

    values, reasons = twogroup.all_indices(women, men, with_class_shares=True)
    ci_low, ci_high, chance = _uncertainty(keys, women, men, bootstrap_reps, seed)
    for name in EXPECTED_IDS:
        values[name] = np.where(
            np.isnan(values[name.removesuffix("_expected")]), np.nan, chance[name]
        )
        reasons[name] = reasons[name.removesuffix("_expected")]

    n_units = ((women + men) > 0).sum(1)
    frames = []
    for name in DATASET_INDEX_IDS:
        frame = keys.copy()
        frame["index"] = name
        frame["value"] = values[name]
        frame["ci_low"] = ci_low.get(name, np.full(len(keys), np.nan))
        frame["ci_high"] = ci_high.get(name, np.full(len(keys), np.nan))
        frame["n_units"] = n_units
        frame["n_women"] = women.sum(1).astype(np.int64)
        frame["n_men"] = men.sum(1).astype(np.int64)
        frame["method_note"] = _notes(
            name, values[name], reasons[name], n_suppressed, bootstrap_reps, seed
        )
        frames.append(frame)
    return conform(pd.concat(frames, ignore_index=True), SEGREGATION_INDICES)


def _table_seed(seed: int, key: tuple) -> list[int]:
    return [seed, zlib.crc32("|".join(map(str, key)).encode("utf-8"))]


def _uncertainty(
    keys: pd.DataFrame,
    women: np.ndarray,
    men: np.ndarray,
    bootstrap_reps: int,
    seed: int,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per-table bootstrap intervals of every index and D, M expected under no segregation.

    Tables are cut into chunks of one size (units with persons), each handled by
    ``_chunk_uncertainty``; with enough work the chunks run in a bounded pool of processes, one
    per core. Every table draws from its own seeded streams and every index is computed on
    arrays of exactly its table's units, so neither the chunking nor the pool nor the other
    tables change a table's numbers.
    """
    n = len(keys)
    low = {name: np.full(n, np.nan) for name in _BOOTSTRAP_IDS}
    high = {name: np.full(n, np.nan) for name in _BOOTSTRAP_IDS}
    chance = {name: np.full(n, np.nan) for name in EXPECTED_IDS}
    status = twogroup.table_status(women, men)
    nonempty = (women + men) > 0
    sizes = nonempty.sum(1)
    tables = np.flatnonzero(status == 0)
    tables = tables[np.argsort(sizes[tables], kind="stable")]
    key_rows = list(keys.itertuples(index=False, name=None))
    chunks = []
    for size in np.unique(sizes[tables]):
        same = tables[sizes[tables] == size]
        for start in range(0, len(same), _CHUNK_TABLES):
            part = same[start : start + _CHUNK_TABLES]
            cells = np.stack([np.stack([women[i, nonempty[i]], men[i, nonempty[i]]]) for i in part])
            seeds = [_table_seed(seed, key_rows[i]) for i in part]
            chunks.append((part, (cells, seeds, bootstrap_reps)))
    # Cells × replicates; the exact expected values cost about as much as ten replicates.
    work = int(sizes[tables].sum()) * (2 * bootstrap_reps + 10)
    results = _run_chunks([args for _, args in chunks], parallel=work >= _PARALLEL_MIN_WORK)
    for (part, _), (lo, hi, ex) in zip(chunks, results, strict=True):
        for j, name in enumerate(_BOOTSTRAP_IDS):
            low[name][part] = lo[:, j]
            high[name][part] = hi[:, j]
        for j, name in enumerate(EXPECTED_IDS):
            chance[name][part] = ex[:, j]
    return low, high, chance


def _workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_WORKERS))


def _run_chunks(jobs: list[tuple], parallel: bool) -> list[tuple[np.ndarray, ...]]:
    """``_chunk_uncertainty`` of every job, in order; in a process pool when ``parallel``.

    Workers are fresh interpreters ("spawn"), not forks of this process, which may be a Dagster
    run with threads of its own; as with any spawned pool, a script calling this needs the usual
    ``if __name__ == "__main__":`` guard.
    """
    workers = _workers()
    if not parallel or workers < 2 or len(jobs) < 2:
        return [_chunk_uncertainty(*job) for job in jobs]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker) as pool:
        return list(pool.map(_chunk_uncertainty, *zip(*jobs, strict=True)))


def _start_worker() -> None:
    """In a pool worker: one thread (the processes already use every core, threads would only
    contend) and freed temporaries kept for reuse (``allocator``)."""
    twogroup._THREADS = 1
    allocator.keep_freed_memory()


def _chunk_uncertainty(
    cells: np.ndarray, seeds: list[list[int]], bootstrap_reps: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bootstrap interval bounds (tables × ``_BOOTSTRAP_IDS``) and expected D and M
    (tables × ``EXPECTED_IDS``) of tables of one size: ``cells[table, sex, unit]``."""
    k, _, size = cells.shape
    w, m = cells[:, 0], cells[:, 1]
    low = np.full((k, len(_BOOTSTRAP_IDS)), np.nan)
    high = np.full((k, len(_BOOTSTRAP_IDS)), np.nan)
    if bootstrap_reps:
        boot = np.empty((k, bootstrap_reps, 2, size))
        for j, table_seed in enumerate(seeds):
            rng = np.random.default_rng(table_seed)
            boot[j] = bootstrap.resample_table(cells[j], bootstrap_reps, rng)
        estimates, _ = twogroup.all_indices(w, m, with_class_shares=True)
        values, _ = twogroup.all_indices(
            boot[:, :, 0], boot[:, :, 1], with_class_shares=True, resampled=True
        )
        for j, name in enumerate(_BOOTSTRAP_IDS):
            summary = bootstrap.summarize(estimates[name], values[name].T, level=0.95)
            low[:, j] = summary.ci_low
            high[:, j] = summary.ci_high
    return low, high, np.stack(expected.expected_d_and_m(w, m), axis=1)


def _notes(
    name: str,
    value: np.ndarray,
    reason: np.ndarray,
    n_suppressed: np.ndarray,
    bootstrap_reps: int,
    seed: int,
) -> np.ndarray:
    if name in EXPECTED_IDS:
        how = (
            "exact mean over all tables with the same unit sizes and numbers of women and men, "
            "women placed at random (no segregation beyond chance); not simulated"
        )
    else:
        how = (
            f"95 % interval: percentiles of {bootstrap_reps} multinomial bootstrap resamples, "
            f"seed {seed}"
            if bootstrap_reps
            else ""
        )
    left_out = np.where(
        n_suppressed > 0,
        np.char.add(
            n_suppressed.astype(str), " unit(s) left out because the source suppressed a count"
        ),
        "",
    ).astype(object)
    defined = ~np.isnan(value)
    note = np.where(defined, how, reason).astype(object)
    both = (left_out != "") & (note != "")
    return np.where(both, note + "; " + left_out, np.where(note == "", left_out, note))
