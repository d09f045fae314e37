"""A StatFin ``Cube`` matched to the configured tables and harmonised exactly like an API answer.

The file's table is recognised from its own metadata (TABLEID ``115s`` or
``statfin_tyokay_pxt_115s``, else MATRIX, else an id leading DESCRIPTION/TITLE ``115s -- …``,
else the title against the configured titles, else — for a file that names no table at all —
its variables). Each configured (table, measure) pair of that table is then tried: its
variables are found by code name segment (``ammatti_104_20161021`` → ``ammatti``; never a
prefix, so ``ammattiasema_7_20121201`` is never taken for ``ammatti``), falling back to the
variable's text in fi/sv/en only when exactly one variable has it. The file is cut to what a
live query would ask for (configured levels, women/men/total, configured regions, the pinned
``fixed`` values, every other variable at its total) and handed to
``harmonise.statfin_counts`` as the metadata and json-stat2 response the API would have sent,
so names, levels, the women + men = total check and status marks behave as for the API.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from assets.collect.harmonise import statfin_counts
from assets.collect.http import Exchange, SourceError
from assets.collect.statfin import Variable, find_variable, match_value, variable_name
from assets.collect.table_files.cube import Cube, Dim, TableFileError
from assets.collect.tables import StatFinTable
from assets.reference.classifications import code_level, is_total_code, load_classification

# Variable texts StatFin uses for the configured names, in Finnish, Swedish and English; used
# only when no variable code carries the name (a CSV export, an old PX file without codes).
TEXTS = {
    "ammatti": (
        "ammattiryhmä",
        "ammatti",
        "yrke",
        "yrkesgrupp",
        "occupation",
        "occupational group",
    ),
    "ammattiasema": ("ammattiasema", "yrkesställning", "occupational status"),
    "koulutusala": ("koulutusala", "utbildningsområde", "field of education"),
    "sukupuoli": ("sukupuoli", "kön", "sex", "gender"),
    "timeperiod": ("vuosi", "år", "year", "tilastovuosi"),
    "alue": ("alue", "område", "region", "area"),
    "contentscode": ("tiedot", "uppgifter", "information", "data"),
}
_LONG_ID = re.compile(r"statfin_([a-z0-9]+)_pxt_([a-z0-9]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    spec: StatFinTable
    exchanges: list[Exchange]
    recognised_by: str


class _Unmet(Exception):
    """This configured pair cannot be served by the file; the message says what is missing."""


def match_tables(
    cube: Cube, statfin: Sequence[StatFinTable], name: str, retrieved_at: str
) -> list[Match]:
    """Every configured (table, measure) pair the file satisfies, as API-shaped exchanges."""
    candidates, how = _recognise(cube, statfin, name)
    matches, unmet = [], []
    for spec in candidates:
        try:
            exchanges = _exchanges(cube, spec, candidates, name, retrieved_at)
        except _Unmet as exc:
            unmet.append(f"{spec.id} {spec.measure}: {exc}")
            continue
        matches.append(Match(spec, exchanges, how))
    if how == "its variables":
        ids = sorted({m.spec.id for m in matches})
        if len(ids) > 1:
            raise TableFileError(
                f"{name}: the file names no table and its variables fit {', '.join(ids)}; "
                "download it again as PX (it then carries its table id)"
            )
    if not matches:
        seen = "; ".join(d.label() for d in cube.dims)
        raise TableFileError(
            f"{name}: recognised as {_ids(candidates)} by {how}, but "
            f"{' | '.join(unmet[:3])} (the file has: {seen}); download the table with "
            "these variables, or check data/sources/statfin.yaml"
        )
    return matches


def _ids(specs: Sequence[StatFinTable]) -> str:
    return ", ".join(dict.fromkeys(s.id for s in specs))


def _recognise(
    cube: Cube, statfin: Sequence[StatFinTable], name: str
) -> tuple[list[StatFinTable], str]:
    """The configured pairs of the file's table, and what recognised it."""
    configured = ", ".join(dict.fromkeys(s.id for s in statfin))
    for where, raw in cube.ids:
        folder, table = _parse_id(raw, where)
        found = [
            s
            for s in statfin
            if table and s.table.casefold() == table and (folder is None or s.folder == folder)
        ]
        if found:
            return found, f"{where} {raw}"
        if where == "TABLEID" or (where == "MATRIX" and table):
            raise TableFileError(
                f"{name}: the file's table {raw} ({where}) is not a configured source table "
                f"({configured}); download one of those, or add the table to "
                "data/sources/statfin.yaml"
            )
    title = _normal_title(cube.title)
    if title:
        found = [s for s in statfin if s.title and _normal_title(s.title) == title]
        if found:
            ids = {s.id for s in found}
            return [s for s in statfin if s.id in ids], "its title"
    if cube.ids or cube.title:
        stated = "; ".join(f"{w} {i}" for w, i in cube.ids) or f"title '{cube.title}'"
        raise TableFileError(
            f"{name}: the file's table ({stated}) is not one of the configured source tables "
            f"({configured}); download one of those, or add the table to "
            "data/sources/statfin.yaml"
        )
    return list(statfin), "its variables"


def _parse_id(raw: str, where: str) -> tuple[str | None, str | None]:
    """(folder or None, short table id) from ``115s``, ``statfin_tyokay_pxt_115s`` or a MATRIX
    such as ``001_115s_2023``; the short id is case-folded."""
    long = _LONG_ID.fullmatch(raw.strip())
    if long:
        return long.group(1).casefold(), long.group(2).casefold()
    if where == "MATRIX":
        parts = [p for p in raw.strip().casefold().split("_") if re.fullmatch(r"\d{2,4}[a-z]+", p)]
        return None, parts[0] if len(parts) == 1 else None
    return None, raw.strip().casefold() or None


def _normal_title(title: str) -> str:
    """Titles compared without case, dash kinds, spacing or the trailing year span."""
    text = unicodedata.normalize("NFC", title).casefold()
    text = re.sub(r"^\s*\w+\s+--\s+", "", text)
    text = re.sub(r"[‐-―−]", "-", text)
    text = re.sub(r",?\s*\d{4}\s*-\s*(\d{4})?\s*$", "", text)
    return re.sub(r"\s+", " ", text).strip(" ,.")


def _find(cube: Cube, wanted: str, spec: StatFinTable) -> Dim:
    """The file's variable for a configured name, matched as a live run matches the API's
    metadata (``statfin.find_variable``: the code's name segment exactly, else the one variable
    whose fi/sv/en text is the name). A file's own texts (``Ammattiryhmä``, ``Kön``) are given
    the configured name they stand for, since a CSV export and an old PX file carry no codes."""
    variables = [
        Variable(
            code=d.code,
            text=d.name,
            values=tuple(d.values),
            value_texts=tuple(next(iter(d.texts.values()))),
            elimination=False,
            time=d.time,
        )
        for d in cube.dims
    ]
    try:
        found = find_variable(variables, wanted, table=spec.id, texts=_texts(cube))
    except SourceError:
        named = [d.code for d in cube.dims if variable_name(d.code) == wanted.casefold()]
        if len(named) > 1:
            raise _Unmet(
                f"{len(named)} variables are named '{wanted}' ({', '.join(named)})"
            ) from None
        raise _Unmet(
            f"no variable '{wanted}' by code or by its Finnish, Swedish or English text"
        ) from None
    return next(d for d in cube.dims if d.code == found.code)


def _texts(cube: Cube) -> dict[str, list[str]]:
    """Each variable's texts in every language, plus the configured names they stand for."""
    out = {}
    for d in cube.dims:
        own = {t.casefold().strip() for t in d.names.values()}
        aliases = [name for name, words in TEXTS.items() if own & set(words)]
        if d.time:
            aliases.append("timeperiod")
        if d.content:
            aliases.append("contentscode")
        out[d.code] = [*d.names.values(), *dict.fromkeys(aliases)]
    return out


def _content_code(dim: Dim, wanted: str, spec: StatFinTable) -> str | None:
    """``statfin.match_value``: ``wanted`` itself, or the one value that is ``wanted`` with a
    version digit appended (``tyokay-tyolliset`` finds ``tyokay-tyolliset2``)."""
    variable = Variable(dim.code, dim.name, tuple(dim.values), tuple(dim.values), False, dim.time)
    try:
        return match_value(variable, wanted, spec, "contents")
    except SourceError:
        return None


def _contents(cube: Cube, spec: StatFinTable, candidates: Sequence[StatFinTable]) -> tuple:
    """(dim or None, index) of the configured content; a file without codes (a CSV export) can
    only serve a table whose configured pairs all read the same content."""
    try:
        dim = _find(cube, "contentscode", spec)
    except _Unmet:
        flagged = [d for d in cube.dims if d.content]
        dim = flagged[0] if len(flagged) == 1 else None
    kinds = {s.contents for s in candidates if s.id == spec.id}
    if dim is None or not dim.coded:
        if len(kinds) > 1:
            shown = f" ({', '.join(dim.texts[next(iter(dim.texts))])})" if dim else ""
            raise _Unmet(
                f"the file's content{shown} carries no code to tell {', '.join(sorted(kinds))} "
                "apart; download the table as PX"
            )
        if dim is not None and len(dim.values) != 1:
            raise _Unmet(
                f"the file has {len(dim.values)} contents and no codes to choose "
                f"'{spec.contents}' by; download only that content, or as PX"
            )
        return dim, 0
    if not spec.contents:
        if len(dim.values) == 1:
            return dim, 0
        raise _Unmet(f"the file has {len(dim.values)} contents and none is configured")
    code = _content_code(dim, spec.contents, spec)
    if code is None:
        raise _Unmet(f"no content '{spec.contents}' in {dim.label()} ({', '.join(dim.values)})")
    return dim, dim.values.index(code)


def _plan(cube: Cube, spec: StatFinTable, candidates: Sequence[StatFinTable]) -> dict:
    """Role → (dim, selected indices), and every other dim → its one selected index."""
    roles = {"unit": spec.unit, "sex": spec.sex, "time": spec.time}
    if spec.region:
        roles["region"] = spec.region
    found = {role: _find(cube, n, spec) for role, n in roles.items()}
    if len({id(d) for d in found.values()}) < len(found):
        raise _Unmet("one variable answers two of unit, sex, time and region")
    content, content_index = _contents(cube, spec, candidates)
    pinned: dict[int, int] = {}
    if content is not None:
        pinned[id(content)] = content_index
    for var, value in spec.fixed.items():
        dim = _find(cube, var, spec)
        if value not in dim.values:  # exactly, as a live run: SS is not SSS, 1 is not 12
            raise _Unmet(f"{dim.label()} has no value '{value}' ({', '.join(dim.values[:12])})")
        pinned[id(dim)] = dim.values.index(value)

    picks: dict[str, tuple[Dim, list[int]]] = {}
    unit, sex, time = found["unit"], found["sex"], found["time"]
    unit_codes = _unit_codes(unit, spec)
    picks["unit"] = (
        unit,
        [
            i
            for i, c in enumerate(unit_codes)
            if not is_total_code(c) and code_level(spec.classification, c) in spec.levels
        ],
    )
    picks["sex"] = (
        sex,
        [i for i, c in enumerate(sex.values) if c in ("1", "2") or is_total_code(c)],
    )
    if not {"1", "2"} <= set(sex.values):
        raise _Unmet(f"{sex.label()} lacks men (1) and women (2): {', '.join(sex.values)}")
    picks["time"] = (time, list(range(len(time.values))))
    if "region" in found:
        region = found["region"]
        picks["region"] = (
            region,
            [i for i, c in enumerate(region.values) if re.fullmatch(spec.regions, c)],
        )
    for role, (dim, chosen) in picks.items():
        if not chosen:
            raise _Unmet(f"no {role} values to use in {dim.label()} ({', '.join(dim.values[:12])})")
    used = {id(d) for d, _ in picks.values()}
    for dim in cube.dims:
        if id(dim) in used or id(dim) in pinned:
            continue
        totals = [i for i, c in enumerate(dim.values) if is_total_code(c)]
        if len(dim.values) == 1:
            pinned[id(dim)] = 0
        elif totals:
            pinned[id(dim)] = totals[0]
        else:
            raise _Unmet(
                f"{dim.label()} has {len(dim.values)} values and no total; download the table "
                "with one value or the total of it"
            )
    return {"picks": picks, "pinned": pinned, "codes": {id(unit): unit_codes}}


def _unit_codes(dim: Dim, spec: StatFinTable) -> list[str]:
    """The unit codes. A CSV label led by its code (``211 Luonnontieteiden …``) gives that code
    (the bundled classification lists only the upper levels, the level follows from the code);
    a label without one is looked up by name (fi/sv/en) in the configured classification, and
    one that matches nothing is refused, never dropped."""
    if dim.coded:
        return list(dim.values)
    try:
        known = load_classification(spec.classification)
    except FileNotFoundError:
        return list(dim.values)
    codes = set(known["code"])
    names = {
        str(n).casefold(): str(c)
        for col in ("name_fi", "name_sv", "name_en")
        for c, n in zip(known["code"], known[col], strict=True)
        if n
    }
    out = []
    for code, text in zip(dim.values, next(iter(dim.texts.values())), strict=True):
        if is_total_code(code) or code in codes or code != text.strip():
            out.append(code)
        elif text.casefold().strip() in names:
            out.append(names[text.casefold().strip()])
        else:
            raise _Unmet(
                f"the unit '{text}' in {dim.label()} is neither a code nor a name of "
                f"{spec.classification}"
            )
    return out


def _exchanges(
    cube: Cube,
    spec: StatFinTable,
    candidates: Sequence[StatFinTable],
    name: str,
    retrieved_at: str,
) -> list[Exchange]:
    """The file cut to ``spec`` as the metadata and json-stat2 exchanges of a live run."""
    plan = _plan(cube, spec, candidates)
    picks, pinned = plan["picks"], plan["pinned"]
    by_dim = {id(d): (role, chosen) for role, (d, chosen) in picks.items()}
    index = []
    for dim in cube.dims:
        index.append(by_dim[id(dim)][1] if id(dim) in by_dim else [pinned[id(dim)]])
    shape = [len(d.values) for d in cube.dims]
    values = cube.values.reshape(shape)[np.ix_(*index)]
    status = cube.status.reshape(shape)[np.ix_(*index)]
    keep = [i for i, d in enumerate(cube.dims) if id(d) in by_dim]
    sizes = [len(index[i]) for i in keep]
    values, status = values.reshape(sizes), status.reshape(sizes)

    configured = {"unit": spec.unit, "sex": spec.sex, "time": spec.time, "region": spec.region}
    dims = []
    for i in keep:
        dim = cube.dims[i]
        role = by_dim[id(dim)][0]
        wanted = str(configured[role])
        own = dim.code.casefold() == wanted.casefold() or variable_name(dim.code) == wanted
        codes = plan["codes"].get(id(dim), dim.values)
        dims.append((dim.code if own else wanted, dim, codes, index[i]))
    updated = _updated_for(cube, plan, spec)
    jsonstat = {
        "class": "dataset",
        "version": "2.0",
        "label": cube.title,
        "source": name,
        "updated": updated,
        "id": [code for code, _, _, _ in dims],
        "size": sizes,
        "dimension": {
            code: {
                "label": dim.name,
                "category": {
                    "index": [codes[j] for j in chosen],
                    "label": {codes[j]: next(iter(dim.texts.values()))[j] for j in chosen},
                },
            }
            for code, dim, codes, chosen in dims
        },
        "value": [None if np.isnan(v) else v for v in values.ravel().tolist()],
        "status": {str(k): s for k, s in enumerate(status.ravel().tolist()) if s},
    }
    query = {
        "query": [
            {"code": code, "selection": {"filter": "item", "values": [codes[j] for j in c]}}
            for code, _, codes, c in dims
        ],
        "response": {"format": "json-stat2"},
    }
    url = f"file:{name}"
    out = []
    for lang in cube.languages:
        variables = [
            {
                "code": code,
                "text": dim.names.get(lang, dim.name),
                "values": list(codes),
                "valueTexts": list(dim.texts.get(lang, next(iter(dim.texts.values())))),
                "time": dim.time,
            }
            for code, dim, codes, _ in dims
        ]
        body = json.dumps({"title": cube.title, "variables": variables}, ensure_ascii=False)
        out.append(
            Exchange(
                source="statfin",
                table=spec.id,
                kind=f"metadata-{lang}",
                method="GET",
                url=url,
                request_body=None,
                status=200,
                body=body.encode("utf-8"),
                retrieved_at=retrieved_at,
            )
        )
    out.append(
        Exchange(
            source="statfin",
            table=spec.id,
            kind="data",
            method="POST",
            url=url,
            request_body=json.dumps(query, ensure_ascii=False),
            status=200,
            body=json.dumps(jsonstat, ensure_ascii=False).encode("utf-8"),
            retrieved_at=retrieved_at,
        )
    )
    return out


def _updated_for(cube: Cube, plan: dict, spec: StatFinTable) -> str:
    """LAST-UPDATED of the chosen content, else of the table, else the latest given."""
    if not cube.updated:
        return ""
    for dim in cube.dims:
        if dim.content and id(dim) in plan["pinned"]:
            for texts in dim.texts.values():
                text = texts[plan["pinned"][id(dim)]]
                if text in cube.updated:
                    return cube.updated[text]
    return cube.updated.get("") or max(cube.updated.values())


def harmonised(match: Match, name: str, names_root: Path | None = None) -> pd.DataFrame:
    """``statfin_counts`` of a match; its one-line errors are named after the file."""
    try:
        return statfin_counts(match.spec, match.exchanges, names_root)
    except SourceError as exc:
        raise TableFileError(f"{name}: {exc}") from None
