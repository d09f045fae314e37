"""Region names in the forms a sentence needs, read from ``data/classifications/regions.csv``.

Finnish place names do not take a case ending by one rule: "-maa" regions take the adessive
("Pohjois-Pohjanmaalla", "Uudellamaalla") and the others the inessive ("Lapissa", "Kainuussa"),
and Uusimaa changes its stem. The forms are therefore data, one row per region, written and
checked by hand, not generated.
"""

from __future__ import annotations

from dataclasses import dataclass

from assets.reference.classifications import load_regions

LANGS = ("fi", "sv", "en")
COUNTRY = "SSS"


class UnknownRegionError(ValueError):
    """A region code that is not in regions.csv; the message lists the valid codes."""


@dataclass(frozen=True)
class RegionNames:
    """One region's names in one language.

    ``name`` is the nominative ("Pohjois-Pohjanmaa"); ``in_`` the locative phrase
    ("Pohjois-Pohjanmaalla", "i Norra Österbotten", "in North Ostrobothnia"). The Finnish genitive
    ("Pohjois-Pohjanmaan") and elative ("Pohjois-Pohjanmaalta") are empty in Swedish and English,
    whose sentences use prepositions instead.
    """

    code: str
    lang: str
    name: str
    in_: str
    genitive: str
    elative: str

    @property
    def is_country(self) -> bool:
        return self.code == COUNTRY


def region_names(code: str, lang: str) -> RegionNames:
    """The names of region ``code`` (``SSS``, ``MK01``…``MK21``) in ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language '{lang}': use one of {', '.join(LANGS)}")
    table = load_regions().set_index("code")
    if code not in table.index or table.loc[code, "kind"] not in ("region", "country"):
        valid = ", ".join(table.index[table["kind"].isin(["region", "country"])])
        raise UnknownRegionError(f"unknown region code '{code}': use one of {valid}")
    row = table.loc[code]
    if lang == "fi":
        return RegionNames(
            code, lang, row["name_fi"], row["fi_inessive"], row["fi_genitive"], row["fi_elative"]
        )
    name = row[f"name_{lang}"]
    if code == COUNTRY:
        name = {"sv": "hela landet", "en": "Finland as a whole"}[lang]
    return RegionNames(code, lang, name, row[f"{lang}_locative"], "", "")
