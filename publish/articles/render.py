"""Turn an article's template and charts into its files: Markdown, standalone HTML, SVG, PNG, spec.

Each article type has one Jinja2 template per language (``<type>.<lang>.md.j2``). A template
writes the body and, as top-level ``{% set %}`` blocks, the title, summary and every chart's
title, subtitle and alt text, so all words of an article live in one file a translator can read.
The HTML page is the same Markdown rendered by markdown-it (raw HTML off, so data can never
inject markup) inside ``article.html.j2``, a template with autoescape on.

Labels come from outside (source tables, ``--counts`` files) and the Markdown is also pasted
into blog platforms that render raw HTML and GitHub-style autolinks, so every string of a
template's context is escaped for Markdown and HTML before the template sees it
(``markdown_context``): no label can open a link, an image, a table cell, code or a tag.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markdown_it import MarkdownIt
from markupsafe import Markup

from publish.articles.ledger import Row
from publish.charts import RenderedChart
from publish.local_cache import writable_folder
from publish.numbers import fmt_date, fmt_decimal, fmt_index, fmt_int, fmt_percent
from publish.text_rules import INDEX_TOLERANCE, SHARE_TOLERANCE, compare_words, trend_word

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DATA_PAGES = {"fi": "index.html", "sv": "index.sv.html", "en": "index.en.html"}
"""The data page of each language, relative to the release root."""
_MD_LINK = re.compile(r"\]\(([^)\s]+)\)")
_TABLE_OPEN = '<div class="table-scroll" role="region" tabindex="0" aria-label="{}"><table>'
DATA_LINKS = (
    "../../../datapackage.json",
    "../../../data/unit_shares.csv",
    "../../../data/segregation_indices.csv",
    "../../../data/criteria_results.csv",
    "../../../data/sources.csv",
)


@cache
def vocabulary() -> dict[str, Any]:
    with open(TEMPLATES / "vocabulary.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def measure_words(measure: str, lang: str) -> dict[str, str]:
    """Label and "of whom" phrase of a measure; an unknown measure names the file to extend."""
    measures = vocabulary()["measures"]
    if measure not in measures:
        raise KeyError(
            f"measure '{measure}' has no words in publish/templates/vocabulary.yaml; "
            "add its fi/sv/en label there"
        )
    return measures[measure][lang]


def statistic_name(source_table: str, lang: str, form: str = "name") -> str:
    """The statistic a table belongs to: ``name`` ("Yliopistokoulutus") or ``line``, the form of
    a source line ("yliopistokoulutustilasto")."""
    prefix = source_table.split("/")[0].split("_")[0]
    names = vocabulary()["statistics"]
    if prefix not in names:
        raise KeyError(
            f"statistic '{prefix}' (table {source_table}) has no name in "
            "publish/templates/vocabulary.yaml; add it under statistics"
        )
    entry = names[prefix][lang]
    if isinstance(entry, str):
        return entry
    return entry.get(form) or entry["name"]


def source_line(tables: list[dict[str, Any]], lang: str) -> str:
    """'Lähde: Tilastokeskus, lukiokoulutustilasto 2019 (julkaistu 2020). CC BY 4.0'.

    Per statistic, the statistical years the chart draws and the publication year of the newest
    table, so that a reader never takes the publication year for the year of the data.
    """
    words = vocabulary()["source"][lang]
    years: dict[str, set[int]] = {}
    published: dict[str, str] = {}
    for t in tables:
        name = statistic_name(t["source_table"], lang, "line")
        year = table_year(t)
        if year is not None:
            years.setdefault(name, set()).add(year)
        published[name] = max(published.get(name, ""), str(t.get("published") or "")[:4])
    parts = []
    for name in sorted(published):
        span = sorted(years.get(name, set()))
        stat_years = f" {span[0]}" if len(span) == 1 else f" {span[0]}–{span[-1]}" if span else ""
        when = f" ({words['published']} {published[name]})" if published[name] else ""
        parts.append(f"{name}{stat_years}{when}")
    return f"{words['prefix']}: {words['publisher']}, {'; '.join(parts)}. CC BY 4.0"


_TABLE_YEAR = re.compile(r"(?:^|_)((?:19|20)\d{2})(?:_|$)")


def table_year(source: dict[str, Any]) -> int | None:
    """The statistical year of a source table: its ``year`` if given, else the one in its id."""
    if source.get("year"):
        return int(source["year"])
    found = _TABLE_YEAR.search(str(source.get("source_table", "")))
    return int(found.group(1)) if found else None


def unit_form(name: str, form: str) -> str:
    """A unit's Finnish case form from the vocabulary ("Kasvatusalat", "loc" → "kasvatusaloilla");
    empty when the vocabulary does not have it, so the template can avoid the case ending."""
    return vocabulary().get("unit_forms", {}).get(name, {}).get(form, "")


def slugify(text: str) -> str:
    """'Pohjois-Pohjanmaa' → 'pohjois-pohjanmaa', 'Norra Österbotten' → 'norra-osterbotten'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words)


def lower_first(name: str) -> str:
    """'Erityisasiantuntijat' → 'erityisasiantuntijat' inside a sentence; 'ICT' stays 'ICT'."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (a run compiles about 30; that was ~1.5 s of every
    run). Keyed by Jinja on each template's source checksum, so an edited template recompiles.
    None where the cache folder cannot be written."""
    folder = writable_folder("jinja")
    return None if folder is None else jinja2.FileSystemBytecodeCache(str(folder))


@cache
def environment(lang: str) -> jinja2.Environment:
    """Templates with number filters bound to ``lang``; autoescape on for HTML templates."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        bytecode_cache=_bytecode_cache(),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: fmt_percent(v, 1, lang)
    env.filters["int"] = lambda v: fmt_int(v, lang)
    env.filters["idx"] = lambda v: fmt_index(v, lang)
    env.filters["date"] = lambda v: fmt_date(v, lang)
    env.filters["cap"] = lambda s: s[:1].upper() + s[1:]
    env.filters["lower1"] = lower_first
    env.filters["period"] = lambda s: s if str(s).endswith(".") else f"{s}."
    env.filters["measure"] = lambda m, form="label": measure_words(m, lang)[form]
    env.filters["statistic"] = lambda t: statistic_name(t, lang)
    env.filters["loc"] = lambda name: unit_form(name, "loc")
    env.filters["gen"] = lambda name: unit_form(name, "gen")
    env.filters["measure_scope"] = lambda m: measure_words(m, lang).get("scope", "")
    env.globals["share_trend"] = lambda old, new: trend_word(old, new, SHARE_TOLERANCE, lang)
    env.globals["index_trend"] = lambda old, new: trend_word(old, new, INDEX_TOLERANCE, lang)
    env.globals["share_vs"] = lambda v, ref: compare_words(v, ref, SHARE_TOLERANCE, lang)
    env.globals["index_vs"] = lambda v, ref: compare_words(v, ref, INDEX_TOLERANCE, lang)
    env.globals["share_tolerance"] = fmt_decimal(SHARE_TOLERANCE * 100, 1, lang)
    env.globals["index_tolerance"] = fmt_index(INDEX_TOLERANCE, lang)
    env.globals["vocabulary"] = vocabulary()
    env.globals["chart_links"] = lambda name: chart_links(name, lang)
    return env


def template_module(name: str, lang: str, context: dict[str, Any]) -> Any:
    """Render ``<name>.<lang>.md.j2``; its top-level ``set`` blocks become attributes.

    The template gets an escaped copy of ``context`` (``markdown_context``); the caller's
    objects, from which charts are drawn, keep the labels as they are.
    """
    template = environment(lang).get_template(f"{name}.{lang}.md.j2")
    return template.make_module(markdown_context(context))


# Characters that can start Markdown or HTML markup anywhere in a line: backslash (itself an
# escape), code, emphasis, links and images, table cells, strikethrough, e-mail autolinks;
# ``!`` only before ``[``; ``_`` only where it can open or close emphasis (not inside words,
# so codes such as wage_earners stay as they are); ``:`` of ``scheme://`` and the dot of
# ``www.`` (GitHub-style autolinks); ``#`` at the start (a heading); ``&`` only before what
# would read as an entity; ``<`` and ``>`` become entities (tags, autolinks, block quotes).
_MARKUP = re.compile(
    r"[\\`*\[\]|~@<>]|!(?=\[)|(?<![^\W_])_|_(?![^\W_])|(?<=\w):(?=//)|(?<=www)\.|^#"
    r"|&(?=#?\w+;)",
    re.IGNORECASE,
)
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_URL = re.compile(r"https?://[\w.~:/?#@$&+,;=%-]+")


def escape_markdown(text: str) -> str:
    """``text`` as literal Markdown text, also where the Markdown is rendered with raw HTML on:
    line breaks become spaces (a label cannot start a block or end a table row) and every
    character that could form markup is backslash-escaped or written as an entity, which
    renders as the character itself."""
    flat = re.sub(r"\s*[\r\n]+\s*", " ", text)
    return _MARKUP.sub(lambda m: _ENTITIES.get(m.group(), "\\" + m.group()), flat)


class Verbatim(str):
    """Text made by the project itself for a template (such as the mark the source list
    replaces), passed to Markdown templates as it is: escaping it would break what it marks."""


def markdown_context(context: dict[str, Any]) -> dict[str, Any]:
    """A copy of a template context with every string in its dicts, lists and tuples escaped
    by ``escape_markdown``. Source links (a ``url`` that is a plain http(s) URL) stay as they
    are, since the templates write them as autolinks; other objects (region names and table
    keys from the project's own vocabulary) are passed through. An object reached twice is
    copied once, so a template's ``is sameas`` still holds."""
    copies: dict[int, Any] = {}

    def copy(value: Any, key: Any = None) -> Any:
        if isinstance(value, Verbatim):
            return value
        if isinstance(value, str):
            if key == "url" and _URL.fullmatch(value):
                return value
            return escape_markdown(value)
        if not isinstance(value, dict | list) and type(value) is not tuple:
            return value
        if id(value) not in copies:
            if isinstance(value, Row):
                copies[id(value)] = value.with_values({k: copy(v, k) for k, v in value.items()})
            elif isinstance(value, dict):
                copies[id(value)] = {k: copy(v, k) for k, v in value.items()}
            else:
                copies[id(value)] = type(value)(copy(v) for v in value)
        return copies[id(value)]

    return copy(context)


def text(module: Any, attribute: str) -> str:
    """A ``{% set %}`` block of a template module as one clean line of text.

    Only ASCII white space is collapsed: the no-break spaces in '12,3 %' and '1 234' stay.
    """
    return re.sub(r"[ \t\r\n]+", " ", str(getattr(module, attribute))).strip()


@dataclass
class Article:
    """One article in one language: everything needed to write its folder."""

    lang: str
    slug: str
    kind: str
    title: str
    summary: str
    date: str
    tags: list[str]
    body: str
    charts: dict[str, RenderedChart] = field(default_factory=dict)
    group: str = ""
    """What the language versions of one article share (the type, or the campaign's id)."""
    sources: list[str] = field(default_factory=list)
    """The source tables of every number the article printed (its ``Lähteet`` list)."""
    maintainer_notes: list[str] = field(default_factory=list)
    """Notes for whoever runs the pipeline; front matter only, never reader text."""
    alternates: dict[str, str] = field(default_factory=dict)
    """Language → ``root`` of the same article in that language."""
    base_url: str = ""
    """The release's public address; when set, Markdown links and images are absolute."""

    @property
    def root(self) -> str:
        return f"articles/{self.lang}/{self.slug}"

    def link(self, target: str) -> str:
        """``target`` (relative to the article's folder) as the Markdown should write it."""
        if not self.base_url or re.match(r"^[a-z]+:|^#|^/", target):
            return target
        path = posixpath.normpath(posixpath.join(self.root, target))
        return f"{self.base_url.rstrip('/')}/{path}"

    def front_matter(self) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "title": self.title,
            "date": self.date,
            "summary": self.summary,
            "tags": self.tags,
            "language": self.lang,
            "type": self.kind,
            "data": [self.link(x) for x in DATA_LINKS],
            "charts": [
                {
                    "file": self.link(f"{name}.svg"),
                    "png": self.link(f"{name}.png"),
                    "spec": self.link(f"{name}.vl.json"),
                    "title": chart.title,
                    "alt": chart.alt_text,
                }
                for name, chart in self.charts.items()
            ],
            "sources": list(self.sources),
        }
        if self.alternates:
            meta["translations"] = {
                lang: self.link(posixpath.relpath(f"{root}/index.md", self.root))
                for lang, root in sorted(self.alternates.items())
            }
        if self.maintainer_notes:
            meta["maintainer_notes"] = list(self.maintainer_notes)
        return meta

    @property
    def markdown(self) -> str:
        meta = yaml.safe_dump(
            self.front_matter(), allow_unicode=True, sort_keys=False, width=10_000
        )
        body = _MD_LINK.sub(lambda m: f"]({self.link(m.group(1))})", self.body.strip())
        return f"---\n{meta}---\n\n{body}\n"

    @property
    def html(self) -> str:
        body = MarkdownIt("commonmark", {"html": False}).enable("table").render(self.body)
        words = vocabulary()["page"][self.lang]
        if self.date:
            dateline = (
                f'<p class="dateline">{words["published"]} '
                f'<time datetime="{self.date}">{fmt_date(self.date, self.lang)}</time></p>'
            )
            body = body.replace("</h1>", f"</h1>\n{dateline}", 1)
        body = body.replace("<table>", _TABLE_OPEN.format(words["table"]))
        body = body.replace("</table>", "</table></div>")
        page = environment(self.lang).get_template("article.html.j2")
        alternates = [
            {
                "lang": lang,
                "href": posixpath.relpath(f"{root}/index.html", self.root),
                "label": vocabulary()["page"][lang]["language_name"],
            }
            for lang, root in sorted(self.alternates.items())
            if lang != self.lang
        ]
        return page.render(
            lang=self.lang,
            title=self.title,
            summary=self.summary,
            body=Markup(body),
            words=words,
            data_page=posixpath.relpath(DATA_PAGES[self.lang], self.root),
            alternates=alternates,
        )

    def files(self) -> dict[str, bytes]:
        """Relative path → bytes, under ``articles/<lang>/<slug>/``."""
        out = {
            f"{self.root}/index.md": self.markdown.encode("utf-8"),
            f"{self.root}/index.html": self.html.encode("utf-8"),
        }
        for name, chart in self.charts.items():
            out[f"{self.root}/{name}.svg"] = chart.svg
            out[f"{self.root}/{name}.png"] = chart.png
            out[f"{self.root}/{name}.vl.json"] = chart.spec_bytes
        return out


def chart_links(name: str, lang: str) -> str:
    """The Markdown line under a chart: its PNG and its Vega-Lite spec."""
    words = {
        "fi": ("Kuva PNG-muodossa", "kuvion määrittely (Vega-Lite)"),
        "sv": ("Bilden som PNG", "diagrammets specifikation (Vega-Lite)"),
        "en": ("Chart as PNG", "chart specification (Vega-Lite)"),
    }[lang]
    return f"[{words[0]}]({name}.png) · [{words[1]}]({name}.vl.json)"
