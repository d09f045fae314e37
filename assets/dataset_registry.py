"""The dataset registry: one ``<dataset>.meta.yml`` beside the module that produces the dataset.

Everything the project knows about a published table lives in its metadata file, in Frictionless
Table Schema vocabulary (``fields`` with ``name``/``type``/``description``/``constraints``,
``primaryKey``, ``foreignKeys``, ``missingValues``) plus a few keys the Table Schema has no word
for: the pandas ``dtype`` where the Frictionless type does not say it, ``code`` (a code column,
dictionary-encoded in Parquet), ``decimals`` (shown to people, e.g. in the Excel CSV), the
release entry (``release``: order, files, optional) and the Dagster entry (``dagster``:
freshness, blocking checks). ``segregation_indices.meta.yml`` also holds the index registry
(range, symbol, unit, decimals, labels, reference per index).

This module reads those files and derives what used to be kept by hand in several places: the
dtypes ``conform`` enforces, the Parquet schema, the Table Schema of ``datapackage.json``, the
schema facts the quality rules are built from, the release's dataset list and order, freshness
membership, display decimals and index ranges. It imports only the standard library, yaml,
pandas and pyarrow, so every layer (assets, checks, publish, pipelines) may stand on it.

Where the files are found: every ``*.meta.yml`` under the roots (by default the project's
``assets/`` and ``publish/``). ``extra_root`` adds a folder, which is how a dataset that lives
outside the project (a test's toy dataset, a deployment's own table) joins the release.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROOTS: tuple[Path, ...] = (PROJECT_ROOT / "assets", PROJECT_ROOT / "publish")
SUFFIX = ".meta.yml"
LANGS = ("fi", "sv", "en")
# The pandas dtype of each Frictionless type, unless a field names its own ``dtype``.
DTYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
    "datetime": "datetime64[ns, UTC]",
    "date": "string",
}
RELEASE_FILES = ("csv", "excel_csv", "parquet")
# libyaml's safe loader where it is built in: the files are read when the code location loads.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class MetadataError(ValueError):
    """A metadata file is malformed: the message names the file and what to fix."""


class ContractError(ValueError):
    """A table does not have the columns its contract requires."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    dtype: str
    description: dict[str, str]
    constraints: dict[str, Any] = field(default_factory=dict)
    code: bool = False
    decimals: int | None = None
    unit: str | None = None


@dataclass(frozen=True)
class IndexSpec:
    """One index of the index registry (``indices:`` of segregation_indices.meta.yml)."""

    code: str
    range: tuple[float, float | None]
    unit: str
    decimals: int
    label: dict[str, str]
    definition_sv: str
    reference: str
    symbol: str | None = None


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    path: Path
    title: dict[str, str]
    description: dict[str, str]
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[dict[str, Any], ...] = ()
    missing_values: tuple[str, ...] = ("",)
    release_order: int | None = None
    release_files: tuple[str, ...] = ()
    optional: bool = False
    freshness: bool = False
    checks: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def dtypes(self) -> dict[str, str]:
        return {f.name: f.dtype for f in self.fields}

    @property
    def codes(self) -> tuple[str, ...]:
        """Code columns: dictionary-encoded in Parquet."""
        return tuple(f.name for f in self.fields if f.code)

    @property
    def decimals(self) -> dict[str, int]:
        """Decimals shown to people per column (the Excel CSV rounds to them)."""
        return {f.name: f.decimals for f in self.fields if f.decimals is not None}

    @property
    def in_release(self) -> bool:
        return self.release_order is not None

    def table_schema(self) -> dict[str, Any]:
        """The Frictionless Table Schema published in datapackage.json (``description`` is the
        English text, ``description_fi`` the Finnish one)."""
        fields = []
        for f in self.fields:
            spec: dict[str, Any] = {
                "name": f.name,
                "type": f.type,
                "description": f.description["en"],
                "description_fi": f.description["fi"],
            }
            if f.constraints:
                spec["constraints"] = dict(f.constraints)
            fields.append(spec)
        schema: dict[str, Any] = {
            "fields": fields,
            "primaryKey": list(self.primary_key),
            "missingValues": list(self.missing_values),
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [dict(fk) for fk in self.foreign_keys]
        return schema

    def arrow_schema(self) -> pa.Schema:
        """The Parquet schema: types, dictionary-encoded codes, descriptions per field."""
        return pa.schema(
            arrow_field(f.name, f.dtype, f.code, f.description["en"], f.description["fi"])
            for f in self.fields
        )

    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.constraints.get("required")]


def arrow_field(
    name: str, dtype: str, code: bool, description_en: str, description_fi: str
) -> pa.Field:
    """One Parquet column: nullable Int64 as int64, floats, booleans, UTC timestamps in
    microseconds, codes dictionary-encoded, other text as string; descriptions as metadata."""
    if dtype == "Int64":
        typ: pa.DataType = pa.int64()
    elif dtype == "float64":
        typ = pa.float64()
    elif dtype == "boolean":
        typ = pa.bool_()
    elif dtype.startswith("datetime64"):
        typ = pa.timestamp("us", tz="UTC")
    elif code:
        typ = pa.dictionary(pa.int32(), pa.string())
    else:
        typ = pa.string()
    meta = {"description": description_en, "description_fi": description_fi}
    return pa.field(name, typ, nullable=True, metadata=meta)


def _texts(doc: dict[str, Any], key: str, where: str, langs: tuple[str, ...]) -> dict[str, str]:
    value = doc.get(key)
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) for lang in langs):
        raise MetadataError(f"{where}: '{key}' needs a text in each of {', '.join(langs)}")
    return {str(k): str(v) for k, v in value.items()}


def _field(doc: Any, where: str) -> FieldSpec:
    if not isinstance(doc, dict) or "name" not in doc or "type" not in doc:
        raise MetadataError(f"{where}: every field needs a name and a type")
    where = f"{where}, field {doc['name']}"
    ftype = str(doc["type"])
    dtype = str(doc.get("dtype") or DTYPES.get(ftype, ""))
    if not dtype:
        raise MetadataError(f"{where}: type {ftype!r} has no pandas dtype; give it a 'dtype'")
    return FieldSpec(
        name=str(doc["name"]),
        type=ftype,
        dtype=dtype,
        description=_texts(doc, "description", where, ("fi", "en")),
        constraints=dict(doc.get("constraints") or {}),
        code=bool(doc.get("code", False)),
        decimals=None if doc.get("decimals") is None else int(doc["decimals"]),
        unit=doc.get("unit"),
    )


def parse(path: Path) -> DatasetSpec:
    """One metadata file; its stem must be the dataset's name."""
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise MetadataError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(doc, dict):
        raise MetadataError(f"{path}: expected a mapping with name, title and schema")
    name = str(doc.get("name", ""))
    if name != path.name.removesuffix(SUFFIX):
        raise MetadataError(f"{path}: 'name' must be the file's stem ({name!r} given)")
    schema = doc.get("schema") or {}
    fields = tuple(_field(f, str(path)) for f in schema.get("fields") or ())
    if not fields:
        raise MetadataError(f"{path}: schema.fields is empty; list the dataset's columns")
    names = [f.name for f in fields]
    key = tuple(schema.get("primaryKey") or ())
    unknown = [k for k in key if k not in names]
    if unknown:
        raise MetadataError(f"{path}: primaryKey names unknown field(s) {', '.join(unknown)}")
    release = doc.get("release")
    dagster = doc.get("dagster") or {}
    if release is not None:
        files = tuple(release.get("files") or RELEASE_FILES)
        bad = [f for f in files if f not in RELEASE_FILES]
        if bad:
            raise MetadataError(f"{path}: release.files may hold {', '.join(RELEASE_FILES)}")
    title = _texts(doc, "title", str(path), LANGS) if release is not None else doc.get("title", {})
    description = (
        _texts(doc, "description", str(path), LANGS)
        if release is not None
        else doc.get("description", {})
    )
    return DatasetSpec(
        name=name,
        path=path,
        title=dict(title),
        description=dict(description),
        fields=fields,
        primary_key=key,
        foreign_keys=tuple(schema.get("foreignKeys") or ()),
        missing_values=tuple(schema.get("missingValues", [""])),
        release_order=None if release is None else int(release["order"]),
        release_files=() if release is None else files,
        optional=bool((release or {}).get("optional", False)),
        freshness=bool(dagster.get("freshness", False)),
        checks=bool(dagster.get("checks", False)),
        raw=doc,
    )


@functools.cache
def _discover(roots: tuple[Path, ...]) -> dict[str, DatasetSpec]:
    found: dict[str, DatasetSpec] = {}
    for root in roots:
        for path in sorted(Path(root).rglob(f"*{SUFFIX}")):
            if ".venv" in path.parts or "__pycache__" in path.parts:
                continue
            spec = parse(path)
            if spec.name in found:
                raise MetadataError(
                    f"{path}: dataset {spec.name!r} is already described in "
                    f"{found[spec.name].path}; keep one metadata file per dataset"
                )
            found[spec.name] = spec
    return found


_extra_roots: list[Path] = []


def roots() -> tuple[Path, ...]:
    return (*DEFAULT_ROOTS, *_extra_roots)


@contextlib.contextmanager
def extra_root(path: Path | str) -> Iterator[None]:
    """Read the metadata files under ``path`` too, for the duration of the block."""
    _extra_roots.append(Path(path).resolve())
    try:
        yield
    finally:
        _extra_roots.remove(Path(path).resolve())


def registry() -> dict[str, DatasetSpec]:
    """Every described dataset, by name (discovered once per set of roots)."""
    return _discover(roots())


def dataset(name: str) -> DatasetSpec:
    spec = registry().get(name)
    if spec is None:
        raise KeyError(
            f"no metadata for dataset {name!r}; write {name}{SUFFIX} beside the asset that "
            "produces it (docs/data-contracts.md)"
        )
    return spec


def release_datasets() -> list[DatasetSpec]:
    """The release's datasets in their published order (``release.order``)."""
    return sorted((d for d in registry().values() if d.in_release), key=lambda d: d.release_order)


def asset_datasets() -> list[str]:
    """Release datasets written from an asset of the same name (all three files)."""
    return [d.name for d in release_datasets() if "parquet" in d.release_files]


def checked_datasets() -> list[str]:
    """Datasets whose quality rules run as blocking asset checks, in release order."""
    ordered = [d.name for d in release_datasets()]
    rest = sorted(n for n in registry() if n not in ordered)
    return [n for n in (*ordered, *rest) if registry()[n].checks]


def freshness_datasets() -> list[str]:
    """Datasets whose asset gets the published freshness policy."""
    return [d.name for d in registry().values() if d.freshness]


def index_registry() -> dict[str, IndexSpec]:
    """The index registry of ``segregation_indices``: one entry per index id, in order."""
    raw = dataset("segregation_indices").raw.get("indices") or {}
    out = {}
    for code, entry in raw.items():
        low, high = entry["range"]
        out[code] = IndexSpec(
            code=code,
            range=(float(low), None if high is None else float(high)),
            unit=str(entry["unit"]),
            decimals=int(entry["decimals"]),
            label=dict(entry["label"]),
            definition_sv=str(entry["definition_sv"]),
            reference=str(entry["reference"]),
            symbol=entry.get("symbol"),
        )
    return out


def index_ranges() -> dict[str, tuple[float, float | None]]:
    """Mathematical range of each index (``None``: no upper bound)."""
    return {code: spec.range for code, spec in index_registry().items()}


def conform(df: pd.DataFrame, spec: DatasetSpec | Any) -> pd.DataFrame:
    """Return ``df`` with exactly the dataset's columns, in order, with the dataset's dtypes.

    Fails loudly on a missing column instead of letting a silent NaN column travel to the
    release. ``spec`` is a ``DatasetSpec`` or anything with ``name`` and ``columns`` of
    (``name``, ``dtype``) such as ``assets.contracts.Contract``.
    """
    if isinstance(spec, DatasetSpec):
        columns = [(f.name, f.dtype) for f in spec.fields]
    else:
        columns = [(c.name, c.dtype) for c in spec.columns]
    names = [n for n, _ in columns]
    missing = [c for c in names if c not in df.columns]
    if missing:
        raise ContractError(
            f"{spec.name}: missing column(s) {', '.join(missing)}; expected {', '.join(names)}"
        )
    out = df[names].copy()
    for name, dtype in columns:
        if dtype.startswith("datetime64"):
            out[name] = pd.to_datetime(out[name], utc=True)
        else:
            out[name] = out[name].astype(dtype)
    return out.reset_index(drop=True)
