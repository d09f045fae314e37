"""The release's static data page: ``index.html`` (Finnish), ``index.sv.html``, ``index.en.html``.

Plain HTML with inline CSS and no JavaScript, so it reads and downloads the same from a web
server or straight from the file system. Everything on it comes from the data package being
published (titles, rows, sizes, the data dictionary from the Table Schemas, sources, licence,
citation) plus the list of articles in the release and the earlier releases.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
import yaml

from publish.numbers import NBSP, fmt_decimal, fmt_int

TEMPLATES = Path(__file__).resolve().parent / "templates" / "data_page"
PAGES = {"fi": "index.html", "sv": "index.sv.html", "en": "index.en.html"}
LANG_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}
FORMAT_LABELS = {
    "csv": {"fi": "CSV", "sv": "CSV", "en": "CSV"},
    "excel": {"fi": "CSV Exceliin", "sv": "CSV för Excel", "en": "CSV for Excel"},
    "parquet": {"fi": "Parquet", "sv": "Parquet", "en": "Parquet"},
}
TEXT: dict[str, dict[str, str]] = yaml.safe_load(
    (TEMPLATES / "text.yaml").read_text(encoding="utf-8")
)


@dataclass(frozen=True)
class ArticleLink:
    lang: str
    title: str
    path: str


def human_size(n: int, lang: str) -> str:
    """1000-based sizes the reader's way, number and unit kept on one line: ``215,3 kt`` (fi),
    ``215,3 kB`` (sv), ``215.3 kB`` (en)."""
    units = ("t", "kt", "Mt") if lang == "fi" else ("B", "kB", "MB")
    if n < 1000:
        return f"{fmt_int(n, lang)}{NBSP}{units[0]}"
    if n < 1_000_000:
        return f"{fmt_decimal(n / 1000, 1, lang)}{NBSP}{units[1]}"
    return f"{fmt_decimal(n / 1_000_000, 1, lang)}{NBSP}{units[2]}"


def human_date(iso: str, lang: str) -> str:
    year, month, day = (int(p) for p in iso[:10].split("-"))
    return f"{year:04d}-{month:02d}-{day:02d}" if lang == "en" else f"{day}.{month}.{year}"


def release_date(release_id: str) -> str:
    """The run date of an id ``<vintage>-<run date>`` as ISO ``YYYY-MM-DD``."""
    run = release_id.rsplit("-", 1)[-1]
    return f"{run[:4]}-{run[4:6]}-{run[6:8]}" if re.fullmatch(r"\d{8}", run) else ""


_TITLE_MD = re.compile(r"^title:\s*(.+)$", re.MULTILINE)
_TITLE_HTML = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _article_title(name: str, data: bytes) -> str:
    text = data.decode("utf-8", errors="replace")
    if name.endswith(".md") and text.startswith("---"):
        front = text.split("---", 2)[1]
        try:
            meta = yaml.safe_load(front) or {}
        except yaml.YAMLError:
            meta = {}
        if isinstance(meta, dict) and meta.get("title"):
            return str(meta["title"])
    match = _TITLE_HTML.search(text) if name.endswith(".html") else _TITLE_MD.search(text)
    return match.group(1).strip().strip("\"'") if match else str(PurePosixPath(name).parent.name)


def article_links(files: dict[str, bytes]) -> list[ArticleLink]:
    """Every ``articles/<lang>/<slug>/index.html`` (else ``index.md``) in the release."""
    found: dict[str, str] = {}
    for name in sorted(files):
        parts = PurePosixPath(name).parts
        if parts[0] != "articles" or parts[-1] not in ("index.html", "index.md"):
            continue
        folder = str(PurePosixPath(name).parent)
        if parts[-1] == "index.html" or folder not in found:
            found[folder] = name
    links = []
    for folder, name in sorted(found.items()):
        parts = PurePosixPath(folder).parts
        lang = parts[1] if len(parts) > 2 else ""
        links.append(ArticleLink(lang=lang, title=_article_title(name, files[name]), path=name))
    return links


def _constraints_text(field: dict[str, Any], lang: str) -> str:
    c = field.get("constraints", {})
    t = TEXT[lang]
    parts = []
    if c.get("required"):
        parts.append(t["required"])
    if "enum" in c:
        parts.append(f"{t['values']}: {', '.join(str(v) for v in c['enum'])}")
    if "minimum" in c and "maximum" in c:
        parts.append(f"{c['minimum']}–{c['maximum']}")
    elif "minimum" in c:
        parts.append(f"≥ {c['minimum']}")
    return "; ".join(parts)


def _dataset_rows(package: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    rows = []
    for res in package["resources"]:
        title_key = "title" if lang == "en" else f"title_{lang}"
        desc_key = "description" if lang == "en" else f"description_{lang}"
        downloads = [
            {"label": FORMAT_LABELS["csv"][lang], "path": res["path"], "bytes": res["bytes"]}
        ]
        for alt in res.get("alternates", []):
            kind = "parquet" if alt["format"] == "parquet" else "excel"
            downloads.append(
                {"label": FORMAT_LABELS[kind][lang], "path": alt["path"], "bytes": alt["bytes"]}
            )
        columns = []
        for f in res["schema"]["fields"]:
            own = f.get("description_fi") if lang == "fi" else f["description"]
            columns.append(
                {
                    "name": f["name"],
                    "type": f["type"],
                    "description": own,
                    # Swedish column descriptions are not written yet: English, marked as such.
                    "description_lang": "en" if lang == "sv" else lang,
                    "constraints": _constraints_text(f, lang),
                    "key": f["name"] in res["schema"].get("primaryKey", []),
                }
            )
        rows.append(
            {
                "name": res["name"],
                "title": res.get(title_key, res["title"]),
                "description": res.get(desc_key, res["description"]),
                "rows": fmt_int(res["rows"], lang),
                "empty": res["rows"] == 0,
                "downloads": [{**d, "size": human_size(d["bytes"], lang)} for d in downloads],
                "columns": columns,
            }
        )
    return rows


def citation_lines(title: dict[str, str], release_id: str, year: str) -> dict[str, str]:
    """How to cite a release, per language."""
    return {
        "fi": f"Tasapaino ({year}). {title['fi']}. Julkaisu {release_id}. "
        "Lähde: Tilastokeskus. Lisenssi CC BY 4.0.",
        "sv": f"Tasapaino ({year}). {title['sv']}. Version {release_id}. "
        "Källa: Statistikcentralen. Licens CC BY 4.0.",
        "en": f"Tasapaino ({year}). {title['en']}. Release {release_id}. "
        "Source: Statistics Finland. Licence CC BY 4.0.",
    }


def render_pages(
    datapackage_json: bytes,
    files: dict[str, bytes],
    history: list[str],
    *,
    unit_shares: pd.DataFrame | None = None,
    catalog: pd.DataFrame | None = None,
    contact: dict[str, str] | None = None,
) -> dict[str, bytes]:
    """The three language versions of the data page, path → bytes. ``unit_shares`` gives the
    coverage table, ``catalog`` the sources' titles in each language (without it, the data
    package's source list), ``contact`` the line saying whom to ask."""
    from publish import coverage
    from publish.page_templates import environment

    package = json.loads(datapackage_json)
    template = environment().get_template("data_page/index.html")
    release_id = package["version"]
    articles = article_links(files)
    extra = [
        name
        for name in ("CHANGELOG.md", "CITATION.cff", "datapackage.json", "quality/index.html")
        if name in files or name == "datapackage.json"
    ]
    from publish.explorer import PAGES as EXPLORER_PAGES
    from publish.key_figures import FILES as WORKBOOKS

    explorer_pages = {k: v for k, v in EXPLORER_PAGES.items() if v in files}
    out = {}
    for lang, page in PAGES.items():
        html = template.render(
            lang=lang,
            t=TEXT[lang],
            pages=[{"lang": k, "path": v, "name": LANG_NAMES[k]} for k, v in PAGES.items()],
            title=package["title"] if lang == "en" else package[f"title_{lang}"],
            description=package["description"] if lang == "en" else package[f"description_{lang}"],
            release_id=release_id,
            created=human_date(package["created"], lang),
            code_version=package.get("tasapaino", {}).get("code_version", ""),
            datasets=_dataset_rows(package, lang),
            sources=[
                {**s, "updated": human_date(s["updated"], lang) if s.get("updated") else ""}
                for s in (
                    coverage.source_titles(catalog, lang)
                    if catalog is not None
                    else [{**p, "by": "", "title_lang": "en"} for p in package["sources"]]
                )
            ],
            coverage=coverage.coverage_rows(unit_shares, lang, TEXT[lang])
            if unit_shares is not None and len(unit_shares)
            else [],
            contact=contact or {"name": "", "email": ""},
            licence=package["licenses"][0],
            citation=package["citation"][lang],
            articles=[a for a in articles if a.lang == lang]
            + [a for a in articles if a.lang != lang],
            history=[
                {
                    "id": rid,
                    "date": human_date(release_date(rid), lang) if release_date(rid) else "",
                }
                for rid in sorted(history, reverse=True)
            ],
            extra=extra,
            explorer=explorer_pages.get(lang, ""),
            workbooks=[
                {"lang": k, "path": f"data/{v}", "size": human_size(len(files[f"data/{v}"]), lang)}
                for k, v in WORKBOOKS.items()
                if f"data/{v}" in files
            ],
        )
        out[page] = html.encode("utf-8")
    return out
