"""The release's code lists: ``data/measures.csv`` and ``data/indices.csv``.

The ``measure`` and ``index`` columns of the datasets hold codes (``wage_earners_in_families``,
``hutchens``); a reader of the release needs their meaning without the repository. The lists
are generated from the sources that already define the codes, so they cannot drift from them:

- measures: labels and scopes in fi/sv/en from ``publish/templates/vocabulary.yaml`` (the words
  the articles use), the source tables of each measure from the source catalogue;
- indices: Finnish and English definitions and references from ``docs/methods.md`` (the
  method's documentation), ranges from ``assets/indices/twogroup.py``; labels, Swedish
  definitions, units and decimals, which no other file holds, from ``publish/codelists.yaml``.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from assets.contracts import Column, Contract
from assets.indices import batch, twogroup

ROOT = Path(__file__).resolve().parent.parent
METHODS_FILE = ROOT / "docs" / "methods.md"
VOCABULARY_FILE = Path(__file__).resolve().parent / "templates" / "vocabulary.yaml"
CODELISTS_FILE = Path(__file__).resolve().parent / "codelists.yaml"
METHODS_REFERENCE = "Tasapaino, docs/methods.md (formulas of every index)"

_COLUMNS = (
    Column("code", "string", "the code as it appears in the data", "koodi kuten aineistossa"),
    Column("label_fi", "string", "name in Finnish", "nimi suomeksi"),
    Column("label_sv", "string", "name in Swedish", "nimi ruotsiksi"),
    Column("label_en", "string", "name in English", "nimi englanniksi"),
    Column("definition_fi", "string", "definition in Finnish", "määritelmä suomeksi"),
    Column("definition_sv", "string", "definition in Swedish", "määritelmä ruotsiksi"),
    Column("definition_en", "string", "definition in English", "määritelmä englanniksi"),
    Column("population", "string", "who is counted", "keitä lasketaan"),
    Column(
        "age_range",
        "string",
        "age range of the population; empty where the source states none",
        "perusjoukon ikäryhmä; tyhjä, jos lähde ei rajaa ikää",
    ),
    Column("unit", "string", "unit of the value", "arvon yksikkö"),
    Column("range", "string", "possible values", "mahdolliset arvot"),
    Column("decimals", "Int64", "decimals shown to people", "ihmisille näytettävät desimaalit"),
    Column("reference", "string", "source or literature reference", "lähde tai kirjallisuusviite"),
)
MEASURES = Contract("measures", _COLUMNS, ("code",))
INDICES = Contract("indices", _COLUMNS, ("code",))
CONTRACTS = {"measures": MEASURES, "indices": INDICES}


@functools.cache
def _yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def settings() -> dict[str, Any]:
    return _yaml(CODELISTS_FILE)


def interval_note(lang: str) -> str:
    """What ci_low/ci_high mean for register counts, in ``lang``."""
    return " ".join(settings()["interval_note"][lang].split())


def _flat(text: str) -> str:
    return " ".join(text.split())


def method_entries(text: str) -> dict[str, dict[str, str]]:
    """Per index id: its Finnish and English sentence and its reference, from docs/methods.md.

    Each index is documented there as a bold heading of one or more ids (``**`gini`** — …``)
    followed by ``- fi:`` and ``- en:`` lines; the references are the ``## References`` list.
    """
    references = re.findall(r"^- (.+(?:\n  .+)*)", text.split("## References", 1)[1], re.M)
    out: dict[str, dict[str, str]] = {}
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if not block.startswith("**`") or "\n- fi:" not in block or "\n- en:" not in block:
            continue
        head = block.split("\n- ", 1)[0]
        ids = re.findall(r"`(\w+)`", head.split(" — ", 1)[0])
        fi = _flat(block.split("\n- fi:", 1)[1].split("\n- en:", 1)[0])
        en = _flat(block.split("\n- en:", 1)[1].split("\n- ", 1)[0])
        after = head.split(" — ", 1)[1] if " — " in head else ""
        cited = re.findall(r"(?=\b([A-Z]\w+)[^\d:]*?(\d{4}))", after.split(":", 1)[0])
        reference = next(
            (
                _flat(r)
                for author, year in cited
                for r in references
                if r.startswith(author) and f"({year})" in r
            ),
            "",
        )
        for index_id in ids:
            out[index_id] = {"fi": fi, "en": en, "reference": reference}
    # Ids named in a bold bullet of a section (``- **Expected under no segregation**
    # (`dissimilarity_expected`, …)``) take the section's closing fi/en sentences.
    for section in re.split(r"\n(?=## )", text):
        fi = re.search(r"^- fi: (.+(?:\n  .+)*)", section, re.M)
        en = re.search(r"^- en: (.+(?:\n  .+)*)", section, re.M)
        if not (fi and en):
            continue
        for bullet in re.findall(r"^- \*\*[^*]+\*\* \(([^)]*)\)", section, re.M):
            for index_id in re.findall(r"`(\w+)`", bullet):
                out.setdefault(index_id, {"fi": _flat(fi[1]), "en": _flat(en[1]), "reference": ""})
    return out


def _range(index_id: str, unit: str) -> str:
    base = index_id.removesuffix("_expected")
    low, high = twogroup._RANGES.get(base, (0.0, 1.0))

    def num(x: float) -> str:
        return f"{x:g}" if x == round(x, 4) else f"{x:.4f}"

    if high is None:
        return f"≥ {num(low)}"
    if math.isclose(high, math.log(2)):
        return f"{num(low)}–ln 2 ({num(high)})"
    return f"{num(low)}–{num(high)}"


def indices_frame() -> pd.DataFrame:
    """One row per index id of the ``segregation_indices`` dataset."""
    conf = settings()
    docs = method_entries(METHODS_FILE.read_text(encoding="utf-8"))
    rows = []
    for index_id in batch.DATASET_INDEX_IDS:
        own = conf["indices"].get(index_id)
        documented = docs.get(index_id)
        if own is None or documented is None:
            raise KeyError(
                f"index {index_id!r}: describe it in {METHODS_FILE.name} (fi/en lines) and "
                f"{CODELISTS_FILE.name} (labels, Swedish, unit)"
            )
        rows.append(
            {
                "code": index_id,
                **{f"label_{lang}": own["label"][lang] for lang in ("fi", "sv", "en")},
                "definition_fi": documented["fi"],
                "definition_sv": _flat(own["sv"]),
                "definition_en": documented["en"],
                "population": "women and men in the units of one table "
                "(classification level × measure × region × year)",
                "age_range": "",
                "unit": own["unit"],
                "range": _range(index_id, own["unit"]),
                "decimals": conf["index_decimals"],
                "reference": documented["reference"] or METHODS_REFERENCE,
            }
        )
    return _typed(pd.DataFrame(rows), INDICES)


def measures_frame(catalog: pd.DataFrame) -> pd.DataFrame:
    """One row per measure of the vocabulary; its source tables from the catalogue."""
    vocabulary = _yaml(VOCABULARY_FILE)["measures"]
    unit = settings()["measure_unit"]["en"]
    tables = catalog.groupby("measure")["source_table"].agg(lambda s: "; ".join(sorted(set(s))))
    rows = []
    for code, words in vocabulary.items():
        rows.append(
            {
                "code": code,
                **{f"label_{lang}": words[lang]["label"] for lang in ("fi", "sv", "en")},
                **{
                    f"definition_{lang}": f"{words[lang]['label']}: {words[lang]['scope']}"
                    for lang in ("fi", "sv", "en")
                },
                "population": words["en"]["scope"],
                "age_range": "",
                "unit": unit,
                "range": "0–",
                "decimals": 0,
                "reference": tables.get(code, ""),
            }
        )
    return _typed(pd.DataFrame(rows), MEASURES)


def _typed(df: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    df = df[contract.names].copy()
    for c in contract.columns:
        df[c.name] = df[c.name].astype("Int64" if c.dtype == "Int64" else "string")
    return df


def excel_decimals(dataset: str) -> dict[str, int]:
    """Decimals of the float columns of a dataset in the Excel CSV: index values and their
    intervals, and IP and the parts of its change, to the indices' decimals; shares to hundredths
    of a percentage point; unit contributions, which are small, to six decimals."""
    index = int(settings()["index_decimals"])
    return {
        "unit_shares": {"women_share": 4, "d_contribution": 6, "m_contribution": 6},
        "segregation_indices": {"value": index, "ci_low": index, "ci_high": index},
        # IP and its parts alike: at six decimals a small negative part would be written
        # -8,1e-05, which a spreadsheet does not read as a plain number
        "segregation_change": dict.fromkeys(
            (
                "ip_start",
                "ip_end",
                "ip_change",
                "ip_mix_effect",
                "ip_composition_effect",
                "ip_units_changed",
            ),
            index,
        ),
    }.get(dataset, {})
