"""Column contracts between pipeline stages (see docs/data-contracts.md).

One place defines each table's columns and types, so that every stage, check and the published
data package agree. ``conform`` enforces a contract at a stage boundary: it fails loudly on a
missing column instead of letting a silent NaN column travel to the release.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description_en: str
    description_fi: str


@dataclass(frozen=True)
class Contract:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


class ContractError(ValueError):
    """A table does not have the columns its contract requires."""


_KEY = (
    Column("dimension", "string", "occupation or field_of_education", "ammatti tai koulutusala"),
    Column(
        "classification",
        "string",
        "classification id, e.g. ammatti_2010",
        "luokituksen tunnus, esim. ammatti_2010",
    ),
    Column(
        "level",
        "Int64",
        "depth in the classification (1 = broadest)",
        "luokituksen taso (1 = karkein)",
    ),
    Column(
        "measure",
        "string",
        "what is counted, e.g. university_degrees",
        "mitä lasketaan, esim. university_degrees",
    ),
)
_REGION = (
    Column(
        "region_code",
        "string",
        "SSS whole country, MA1 mainland, MKnn region (maakunta)",
        "SSS koko maa, MA1 Manner-Suomi, MKnn maakunta",
    ),
    Column("region_name_fi", "string", "region name in Finnish", "alueen nimi"),
)
_UNIT = (
    Column("unit_code", "string", "occupation or field code", "ammatti- tai koulutusalakoodi"),
    Column("unit_name_fi", "string", "unit name in Finnish", "nimi suomeksi"),
    Column("unit_name_sv", "string", "unit name in Swedish", "nimi ruotsiksi"),
    Column("unit_name_en", "string", "unit name in English", "nimi englanniksi"),
)
_SOURCE = (
    Column(
        "source",
        "string",
        "statfin, vipunen or transcribed (a published table copied by hand)",
        "statfin, vipunen tai transcribed (julkaistusta taulukosta käsin kopioitu)",
    ),
    Column("source_table", "string", "source table id", "lähdetaulukon tunnus"),
)

COUNTS = Contract(
    "counts",
    (
        *_SOURCE,
        *_KEY,
        *_UNIT,
        *_REGION,
        Column("year", "Int64", "statistical year", "tilastovuosi"),
        Column("sex", "string", "women or men", "women (naiset) tai men (miehet)"),
        Column(
            "count",
            "Int64",
            "number of persons; empty where the source suppressed the cell",
            "henkilömäärä; tyhjä, jos lähde on salannut solun",
        ),
        Column(
            "status",
            "string",
            "the source's status mark (e.g. '..'), empty otherwise",
            "lähteen tilamerkintä (esim. '..'), muuten tyhjä",
        ),
        Column(
            "derivation",
            "string",
            "how the number was derived from the source, empty when published as is",
            "miten luku on johdettu lähteestä; tyhjä, jos julkaistu sellaisenaan",
        ),
        Column(
            "retrieved_at",
            "datetime64[ns, UTC]",
            "when the source was read (empty if not recorded)",
            "milloin lähde luettiin (tyhjä, jos ei tiedossa)",
        ),
        Column(
            "source_updated",
            "datetime64[ns, UTC]",
            "when the source was last updated",
            "lähteen päivitysaika",
        ),
    ),
    (
        "source_table",
        "measure",
        "classification",
        "level",
        "region_code",
        "year",
        "unit_code",
        "sex",
    ),
)

UNIT_SHARES = Contract(
    "unit_shares",
    (
        *_SOURCE,
        *_KEY,
        *_UNIT,
        *_REGION,
        Column("year", "Int64", "statistical year", "tilastovuosi"),
        Column("women", "Int64", "women", "naiset"),
        Column("men", "Int64", "men", "miehet"),
        Column("total", "Int64", "women + men", "naiset + miehet"),
        Column("women_share", "float64", "women / total (0–1)", "naisten osuus (0–1)"),
        Column(
            "segregation_class",
            "string",
            "Statistics Finland's five classes: women_over_90, women_60_90, balanced_40_60, "
            "men_60_90, men_over_90",
            "Tilastokeskuksen viisi luokkaa: naisten ala (yli 90 % naisia), naisvaltainen, "
            "tasa-ala (40–60 %), miesvaltainen, miesten ala",
        ),
        Column(
            "in_indices",
            "boolean",
            "counted in segregation indices (unknown units and empty units are not)",
            "mukana segregaatioindekseissä (tuntemattomat ja tyhjät yksiköt eivät ole)",
        ),
        Column(
            "d_contribution",
            "float64",
            "the unit's term in the dissimilarity index D",
            "yksikön osuus erilaisuusindeksistä D",
        ),
        Column(
            "m_contribution",
            "float64",
            "the unit's term in the mutual information index M (natural log)",
            "yksikön osuus keskinäisinformaatioindeksistä M (luonnollinen logaritmi)",
        ),
    ),
    ("source_table", "measure", "classification", "level", "region_code", "year", "unit_code"),
)

SEGREGATION_INDICES = Contract(
    "segregation_indices",
    (
        *_KEY,
        *_REGION,
        Column("year", "Int64", "statistical year", "tilastovuosi"),
        Column("index", "string", "index id, e.g. dissimilarity", "indeksin tunnus"),
        Column(
            "value",
            "float64",
            "index value; empty where undefined (see method_note)",
            "indeksin arvo; tyhjä, jos ei määritelty (ks. method_note)",
        ),
        Column(
            "ci_low",
            "float64",
            "lower bound of the 95 % interval of 200 multinomial bootstrap resamples: chance "
            "variation of register counts, not survey sampling error",
            "200 multinomiaalisen bootstrap-uudelleenotoksen 95 %:n vaihteluvälin alaraja: "
            "rekisteriluvun satunnaisvaihtelu, ei otantavirhe",
        ),
        Column(
            "ci_high",
            "float64",
            "upper bound of the 95 % interval of 200 multinomial bootstrap resamples: chance "
            "variation of register counts, not survey sampling error",
            "200 multinomiaalisen bootstrap-uudelleenotoksen 95 %:n vaihteluvälin yläraja: "
            "rekisteriluvun satunnaisvaihtelu, ei otantavirhe",
        ),
        Column("n_units", "Int64", "units in the index", "indeksissä mukana olevat yksiköt"),
        Column("n_women", "Int64", "women in those units", "naiset näissä yksiköissä"),
        Column("n_men", "Int64", "men in those units", "miehet näissä yksiköissä"),
        Column("source_table", "string", "source table id", "lähdetaulukon tunnus"),
        Column(
            "method_note",
            "string",
            "how the value was computed, or why it is empty",
            "miten arvo laskettiin tai miksi se puuttuu",
        ),
    ),
    ("dimension", "classification", "level", "measure", "region_code", "year", "index"),
)

SEGREGATION_CHANGE = Contract(
    "segregation_change",
    (
        *_KEY,
        *_REGION,
        Column(
            "year_start",
            "Int64",
            "first year of the pair (the table's previous published year)",
            "parin ensimmäinen vuosi (taulukon edellinen julkaistu vuosi)",
        ),
        Column("year_end", "Int64", "second year of the pair", "parin jälkimmäinen vuosi"),
        Column(
            "ip_start",
            "float64",
            "Karmel–MacLachlan index IP in year_start (as in segregation_indices)",
            "Karmel–MacLachlan-indeksi IP vuonna year_start (sama kuin segregation_indices)",
        ),
        Column(
            "ip_end",
            "float64",
            "Karmel–MacLachlan index IP in year_end (as in segregation_indices)",
            "Karmel–MacLachlan-indeksi IP vuonna year_end (sama kuin segregation_indices)",
        ),
        Column(
            "ip_change",
            "float64",
            "ip_end − ip_start = ip_mix_effect + ip_composition_effect + ip_units_changed",
            "ip_end − ip_start = ip_mix_effect + ip_composition_effect + ip_units_changed",
        ),
        Column(
            "ip_mix_effect",
            "float64",
            "IP of year_start's table fitted (IPF) to year_end's unit sizes and sexes' totals, "
            "minus year_start's IP, over the units of both years: the change that the margins "
            "alone would have brought; empty when the change cannot be split (see method_note)",
            "IP, kun alkuvuoden taulukko sovitetaan (IPF) loppuvuoden alojen kokoihin sekä "
            "naisten ja miesten kokonaismääriin, miinus alkuvuoden IP, molempien vuosien aloilla: "
            "muutos, jonka pelkät kokojen muutokset olisivat tuoneet; tyhjä, jos muutosta ei "
            "voi jakaa (ks. method_note)",
        ),
        Column(
            "ip_composition_effect",
            "float64",
            "year_end's IP minus that fitted IP, over the units of both years: the change in how "
            "women and men sort into units; empty when the change cannot be split",
            "loppuvuoden IP miinus sovitettu IP molempien vuosien aloilla: muutos siinä, miten "
            "naiset ja miehet jakautuvat aloille; tyhjä, jos muutosta ei voi jakaa",
        ),
        Column(
            "ip_units_changed",
            "float64",
            "what units with persons in one of the two years only add to the change; empty when "
            "the change cannot be split",
            "vain toisena vuonna mukana olleiden alojen osuus muutoksesta; tyhjä, jos muutosta "
            "ei voi jakaa",
        ),
        Column(
            "n_units_common",
            "Int64",
            "units with persons in both years",
            "alat, joilla oli henkilöitä molempina vuosina",
        ),
        Column(
            "n_units_start_only",
            "Int64",
            "units with persons in year_start only",
            "alat, joilla oli henkilöitä vain alkuvuonna",
        ),
        Column(
            "n_units_end_only",
            "Int64",
            "units with persons in year_end only",
            "alat, joilla oli henkilöitä vain loppuvuonna",
        ),
        Column(
            "source_table_start", "string", "source table of year_start", "alkuvuoden lähdetaulukko"
        ),
        Column(
            "source_table_end", "string", "source table of year_end", "loppuvuoden lähdetaulukko"
        ),
        Column(
            "method_note",
            "string",
            "why the parts are empty, empty otherwise",
            "miksi osat puuttuvat; muuten tyhjä",
        ),
    ),
    ("dimension", "classification", "level", "measure", "region_code", "year_start", "year_end"),
)

CRITERIA_RESULTS = Contract(
    "criteria_results",
    (
        Column("criteria_set", "string", "criteria set id", "kriteeristön tunnus"),
        Column("criteria_version", "string", "criteria set version", "kriteeristön versio"),
        Column("criterion_id", "string", "criterion id", "kriteerin tunnus"),
        Column(
            "subject_type",
            "string",
            "what is judged: unit, region or organisation_group",
            "mitä arvioidaan: yksikkö, alue tai organisaatioryhmä",
        ),
        Column("subject", "string", "stable id of the subject", "arvioitavan kohteen tunnus"),
        *_KEY,
        *_REGION,
        Column("year", "Int64", "statistical year", "tilastovuosi"),
        Column(
            "unit_code",
            "string",
            "occupation or field code (unit subjects)",
            "ammatti- tai koulutusalakoodi (yksikkökohteet)",
        ),
        Column("value", "float64", "the metric the criterion judges", "arvioitava mittari"),
        Column(
            "threshold",
            "string",
            "the rule, e.g. 0.40 <= women_share <= 0.60",
            "sääntö, esim. 0.40 <= women_share <= 0.60",
        ),
        Column(
            "status",
            "string",
            "met, not_met or insufficient_data",
            "met (täyttyy), not_met (ei täyty) tai insufficient_data (ei riittävästi tietoa)",
        ),
        Column(
            "evidence", "string", "the numbers behind the status", "tilan perusteena olevat luvut"
        ),
    ),
    ("criteria_set", "criterion_id", "subject"),
)

# The published `sources` dataset: one row per source table and measure (from source_catalog).
# Kept out of ALL: it describes the inputs, it is not a stage's output.
SOURCES = Contract(
    "sources",
    (
        *_SOURCE,
        Column("measure", "string", "what is counted", "mitä lasketaan"),
        Column("title_fi", "string", "table title in Finnish", "taulukon otsikko suomeksi"),
        Column("title_en", "string", "table title in English", "taulukon otsikko englanniksi"),
        Column("statistic_fi", "string", "statistic and edition", "tilasto ja sen vuosikerta"),
        Column("url", "string", "where the table is published", "taulukon verkko-osoite"),
        Column("published", "string", "publication (update) date", "julkaisu- eli päivityspäivä"),
        Column(
            "referred",
            "string",
            "when the page was read, empty if not recorded",
            "milloin sivu luettiin; tyhjä, jos ei tiedossa",
        ),
        Column(
            "men_derived",
            "boolean",
            "men derived as total − women",
            "miehet johdettu: yhteensä − naiset",
        ),
        Column(
            "file",
            "string",
            "snapshot file, or the hand-given file the table was read from",
            "tilannevedoksen tiedosto tai käsin annettu tiedosto, josta taulukko luettiin",
        ),
        Column("file_sha256", "string", "SHA-256 of the file", "tiedoston SHA-256"),
        Column(
            "status",
            "string",
            "current (read in this run), stale (could not be read: the previous release's rows "
            "are kept, retrieved on 'referred'), missing (could not be read, no earlier copy) or "
            "set_aside (another table gives the same statistics)",
            "current (luettu tässä ajossa), stale (ei saatu luettua: edellisen julkaisun rivit "
            "pidetään, haettu 'referred'-päivänä), missing (ei saatu eikä aiempaa ole) tai "
            "set_aside (toinen taulukko antaa samat luvut)",
        ),
        Column(
            "note",
            "string",
            "why a table is stale, missing or set aside, empty otherwise",
            "miksi taulukko on stale, missing tai set_aside; muuten tyhjä",
        ),
    ),
    ("source_table", "measure"),
)

SELF_ASSESSMENT_SUMMARY = Contract(
    "self_assessment_summary",
    (
        Column("criteria_set", "string", "criteria set id", "kriteeristön tunnus"),
        Column("criteria_version", "string", "criteria set version", "kriteeristön versio"),
        Column(
            "aggregate_level",
            "string",
            "theme, dimension (of a theme) or criterion",
            "teema, ulottuvuus (teeman sisällä) tai kriteeri",
        ),
        Column("theme", "string", "theme id", "teeman tunnus"),
        Column(
            "theme_dimension",
            "string",
            "dimension of the theme (e.g. kielellinen), empty for the whole theme",
            "teeman ulottuvuus (esim. kielellinen); tyhjä, kun koko teema",
        ),
        Column(
            "criterion_id",
            "string",
            "criterion id, empty for theme and dimension aggregates",
            "kriteerin tunnus; tyhjä teema- ja ulottuvuuskoosteissa",
        ),
        *_REGION,
        Column("year", "Int64", "year of the answers", "vastausvuosi"),
        Column(
            "n_organisations",
            "Int64",
            "organisations that answered; empty when suppressed",
            "vastanneet organisaatiot; tyhjä, jos salattu",
        ),
        Column(
            "n_responses",
            "Int64",
            "answers behind the mean; empty when suppressed",
            "keskiarvon taustalla olevat vastaukset; tyhjä, jos salattu",
        ),
        Column(
            "mean_score",
            "float64",
            "mean of the organisations' scores (1–5); empty when suppressed",
            "organisaatioiden pistemäärien keskiarvo (1–5); tyhjä, jos salattu",
        ),
        Column(
            "suppressed",
            "boolean",
            "true when too few organisations answered to publish the numbers",
            "tosi, jos vastanneita organisaatioita oli liian vähän lukujen julkaisemiseen",
        ),
        Column("note", "string", "why the numbers are suppressed", "miksi luvut on salattu"),
    ),
    (
        "criteria_set",
        "aggregate_level",
        "theme",
        "theme_dimension",
        "criterion_id",
        "region_code",
        "year",
    ),
)

CRITERIA_CATALOGUE = Contract(
    "criteria_catalogue",
    (
        Column("criteria_set", "string", "criteria set id", "kriteeristön tunnus"),
        Column("criteria_version", "string", "criteria set version", "kriteeristön versio"),
        Column(
            "origin",
            "string",
            "external (the publisher's criteria) or tasapaino (our own)",
            "external (julkaisijan kriteerit) tai tasapaino (omamme)",
        ),
        Column("publisher", "string", "who published the criteria", "kriteerien julkaisija"),
        Column("source_url", "string", "where the criteria come from", "kriteerien lähde"),
        Column("source_date", "string", "publication date of the source", "lähteen julkaisupäivä"),
        Column(
            "verbatim",
            "boolean",
            "true only when the texts are the source's own words",
            "tosi vain, jos tekstit ovat lähteen omin sanoin",
        ),
        Column("criterion_id", "string", "criterion id", "kriteerin tunnus"),
        Column(
            "kind",
            "string",
            "statistical or self_assessment",
            "statistical (tilastollinen) tai self_assessment (itsearviointi)",
        ),
        Column("theme", "string", "theme id", "teeman tunnus"),
        Column(
            "theme_dimension",
            "string",
            "dimension of the theme, empty if none",
            "teeman ulottuvuus; tyhjä, jos ei ole",
        ),
        Column(
            "metric",
            "string",
            "what is measured (mean_score for self-assessment)",
            "mitä mitataan (itsearvioinnissa mean_score)",
        ),
        Column("params", "string", "the metric's parameters as JSON", "mittarin parametrit JSON"),
        Column("threshold", "string", "the rule", "sääntö"),
        Column(
            "text_status",
            "string",
            "verbatim, our_wording or to_fill_in (a placeholder, not the source's text)",
            "verbatim (lähteen sanoin), our_wording (omin sanoin) tai to_fill_in (täydennettävä)",
        ),
        Column(
            "approximation",
            "boolean",
            "rests on an approximate mapping (see caveat)",
            "perustuu likimääräiseen vastaavuuteen (ks. varauma)",
        ),
        *(
            Column(f"{field}_{lang}", "string", f"{field} in {name_en}", f"{fi} ({name_fi})")
            for field, fi in (
                ("title", "otsikko"),
                ("text", "teksti"),
                ("threshold_note", "rajan perustelu"),
                ("caveat", "varauma"),
            )
            for lang, name_en, name_fi in (
                ("fi", "Finnish", "suomeksi"),
                ("sv", "Swedish", "ruotsiksi"),
                ("en", "English", "englanniksi"),
            )
        ),
    ),
    ("criteria_set", "criterion_id"),
)

ALL = {
    c.name: c
    for c in (
        COUNTS,
        UNIT_SHARES,
        SEGREGATION_INDICES,
        CRITERIA_RESULTS,
        SEGREGATION_CHANGE,
        SELF_ASSESSMENT_SUMMARY,
        CRITERIA_CATALOGUE,
    )
}


def conform(df: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """Return ``df`` with exactly the contract's columns, in order, with the contract's types."""
    missing = [c for c in contract.names if c not in df.columns]
    if missing:
        raise ContractError(
            f"{contract.name}: missing column(s) {', '.join(missing)}; "
            f"expected {', '.join(contract.names)}"
        )
    out = df[contract.names].copy()
    for col in contract.columns:
        if col.dtype.startswith("datetime64"):
            out[col.name] = pd.to_datetime(out[col.name], utc=True)
        else:
            out[col.name] = out[col.name].astype(col.dtype)
    return out.reset_index(drop=True)
