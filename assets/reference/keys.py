"""Column keys shared by several stages, kept free of pandas so any module can import them.

A "table of units" is one classification level of one measure in one region and year: the unit
that shares, indices and criteria are computed over.
"""

TABLE_KEY = (
    "dimension",
    "classification",
    "level",
    "measure",
    "region_code",
    "region_name_fi",
    "year",
)
