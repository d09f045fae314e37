"""Metadata for the Finnish open data portal (avoindata.fi): a CKAN payload and DCAT-AP.

avoindata.fi runs CKAN with multilingual fields (``title_translated``, ``notes_translated``,
``keywords`` per language). ``ckan_package`` gives the body of a ``package_create`` /
``package_update`` call and ``dcat_dataset`` the same description as DCAT-AP JSON-LD, both read
from a release's ``datapackage.json`` so that the portal says exactly what the release says.
Nothing is uploaded here: ``tasapaino publish --ckan-dry-run`` prints the payload for review.
"""

from __future__ import annotations

import re
from typing import Any

from publish.dataset_metadata import contact, package_meta

LICENCE_URI = "https://creativecommons.org/licenses/by/4.0/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
FINLAND = "http://publications.europa.eu/resource/authority/country/FIN"
EU_FORMATS = {"csv": "CSV", "parquet": "PARQUET", "json": "JSON", "xlsx": "XLSX"}
# EU data themes: population and society, education (the statistics are of both).
THEMES = (
    "http://publications.europa.eu/resource/authority/data-theme/SOCI",
    "http://publications.europa.eu/resource/authority/data-theme/EDUC",
)
# The pipeline runs monthly (pipelines/schedules.py) and publishes when a source changed.
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
UPDATE_FREQUENCY = {"fi": ["kuukausittain"], "sv": ["månatligen"], "en": ["monthly"]}
CKAN_LICENCE = "cc-by-4.0"
# The maintainer is the release's one contact setting (publish/dataset_metadata.contact).
EMAIL_ENV = "TASAPAINO_CONTACT_EMAIL"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class MissingMaintainer(ValueError):
    """The portal refuses a dataset without a maintainer's e-mail address."""


def require_email(email: str) -> str:
    """The maintainer's e-mail address, or one clear line saying where to set it."""
    email = (email or "").strip()
    if not _EMAIL.fullmatch(email):
        given = f" ({email!r} is not an address)" if email else ""
        raise MissingMaintainer(
            f"no maintainer e-mail{given}: avoindata.fi requires one; give --email ADDRESS, "
            f"set {EMAIL_ENV} or package.contact.email in publish/datasets.yaml"
        )
    return email


def _url(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}/{path}" if base_url else path


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")


def _kind(res: dict[str, Any]) -> str:
    if res["format"] == "parquet":
        return "parquet"
    if res["format"] == "xlsx":
        return "xlsx"
    return "csv"


def _files(package: dict[str, Any]) -> list[dict[str, Any]]:
    """Every downloadable file of the release: one per Data Package resource."""
    out = []
    for res in package["resources"]:
        titles = {"fi": res["title_fi"], "sv": res.get("title_sv", ""), "en": res["title"]}
        descs = {
            "fi": res["description_fi"],
            "sv": res.get("description_sv", ""),
            "en": res["description"],
        }
        out.append({**res, "kind": _kind(res), "titles": titles, "descriptions": descs})
    return out


def temporal(package: dict[str, Any]) -> tuple[str, str] | None:
    """First and last day of the years the data cover, from the package."""
    years = package.get("tasapaino", {}).get("years")
    return (f"{years[0]}-01-01", f"{years[1]}-12-31") if years else None


def ckan_package(
    package: dict[str, Any], *, base_url: str, owner_org: str, maintainer_email: str
) -> dict[str, Any]:
    """The ``package_create`` body for avoindata.fi (multilingual CKAN schema); refuses
    (``MissingMaintainer``) without a maintainer e-mail, as the portal does."""
    email = require_email(maintainer_email)
    meta = package_meta()
    resources = []
    for f in _files(package):
        resources.append(
            {
                "url": _url(base_url, f["path"]),
                "name_translated": {lang: title for lang, title in f["titles"].items() if title},
                "description_translated": {k: v for k, v in f["descriptions"].items() if v},
                "format": EU_FORMATS[f["kind"]],
                "mimetype": f.get("mediatype", ""),
                "size": f["bytes"],
                "hash": f["hash"],
                "rights_translated": {
                    "fi": "CC BY 4.0. Lähde: Tilastokeskus.",
                    "sv": "CC BY 4.0. Källa: Statistikcentralen.",
                    "en": "CC BY 4.0. Source: Statistics Finland.",
                },
            }
        )
    period = temporal(package)
    return {
        "name": _slug(package["name"]),
        "owner_org": owner_org,
        "private": False,
        "collection_type": "Open Data",
        "title_translated": {
            "fi": package["title_fi"],
            "sv": package["title_sv"],
            "en": package["title"],
        },
        "notes_translated": {
            "fi": package["description_fi"],
            "sv": package["description_sv"],
            "en": package["description"],
        },
        "keywords": {lang: list(words) for lang, words in meta["keywords"].items()},
        "license_id": CKAN_LICENCE,
        "maintainer": contact()["name"] or meta["publisher"],
        "maintainer_email": email,
        "maintainer_website": _url(base_url, "index.html"),
        "geographical_coverage": ["Suomi", "Pohjois-Pohjanmaa"],
        "update_frequency": UPDATE_FREQUENCY,
        **(
            {"temporal_coverage_from": period[0], "temporal_coverage_to": period[1]}
            if period
            else {}
        ),
        "version": package["version"],
        "extras": [
            {"key": "release_id", "value": package["version"]},
            {"key": "code_version", "value": package.get("tasapaino", {}).get("code_version", "")},
            {"key": "sources", "value": "; ".join(s["path"] for s in package["sources"])},
            {"key": "theme", "value": " ".join(THEMES)},
            {"key": "frequency", "value": FREQUENCY},
        ],
        "resources": resources,
    }


def dcat_dataset(
    package: dict[str, Any], *, base_url: str, publisher: str, maintainer_email: str
) -> dict[str, Any]:
    """The release as a DCAT-AP ``dcat:Dataset`` in JSON-LD, with the themes, frequency,
    temporal and spatial coverage and contact point that DCAT-AP recommends."""
    email = require_email(maintainer_email)
    meta = package_meta()
    period = temporal(package)

    def texts(key: str) -> list[dict[str, str]]:
        return [
            {"@language": lang, "@value": package[key if lang == "en" else f"{key}_{lang}"]}
            for lang in ("fi", "sv", "en")
        ]

    distributions = []
    for f in _files(package):
        fmt = f["kind"]
        distributions.append(
            {
                "@type": "dcat:Distribution",
                "dct:title": [{"@language": k, "@value": v} for k, v in f["titles"].items() if v],
                "dcat:accessURL": {"@id": _url(base_url, "index.html")},
                "dcat:downloadURL": {"@id": _url(base_url, f["path"])},
                "dct:format": {"@id": EU_FILE_TYPE + EU_FORMATS[fmt]},
                "dcat:mediaType": f.get("mediatype", ""),
                "dcat:byteSize": {"@type": "xsd:nonNegativeInteger", "@value": str(f["bytes"])},
                "spdx:checksum": {
                    "@type": "spdx:Checksum",
                    "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                    "spdx:checksumValue": f["hash"].split(":", 1)[1],
                },
                "dct:license": {"@id": LICENCE_URI},
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "owl": "http://www.w3.org/2002/07/owl#",
            "spdx": "http://spdx.org/rdf/terms#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
        },
        "@type": "dcat:Dataset",
        "dct:identifier": f"{package['name']}-{package['version']}",
        "dct:title": texts("title"),
        "dct:description": texts("description"),
        "owl:versionInfo": package["version"],
        "dct:issued": {"@type": "xsd:dateTime", "@value": package["created"]},
        "dct:license": {"@id": LICENCE_URI},
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": publisher},
        "dct:spatial": {"@id": FINLAND},
        "dcat:theme": [{"@id": theme} for theme in THEMES],
        "dct:accrualPeriodicity": {"@id": FREQUENCY},
        **(
            {
                "dct:temporal": {
                    "@type": "dct:PeriodOfTime",
                    "dcat:startDate": {"@type": "xsd:date", "@value": period[0]},
                    "dcat:endDate": {"@type": "xsd:date", "@value": period[1]},
                }
            }
            if period
            else {}
        ),
        "dcat:contactPoint": {
            "@type": "vcard:Organization",
            "vcard:fn": contact()["name"] or meta["publisher"],
            "vcard:hasEmail": {"@id": f"mailto:{email}"},
        },
        "dct:source": [{"@id": s["path"]} for s in package["sources"]],
        "dcat:keyword": [
            {"@language": lang, "@value": word}
            for lang, words in meta["keywords"].items()
            for word in words
        ],
        "dcat:landingPage": {"@id": _url(base_url, "index.html")},
        "dcat:distribution": distributions,
    }
