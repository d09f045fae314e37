"""Every configured source table can be written about: its measure and its statistic have words
in every language (a live table without them would stop the articles step of a live run)."""

from __future__ import annotations

import pytest

from assets.collect.tables import load_statfin_tables, load_vipunen_resources
from publish.articles.render import measure_words, statistic_name

ENTRIES = [*load_statfin_tables(), *load_vipunen_resources()]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e.id}-{e.measure}")
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_configured_table_has_words(entry, lang):
    assert measure_words(entry.measure, lang)["label"]
    assert statistic_name(entry.id, lang)
    assert statistic_name(entry.id, lang, "line")
