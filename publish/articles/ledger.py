"""Which published rows an article actually printed, so that its source list names exactly those.

An article's source list used to be the union of every table the article *looked at*; it then
cited tables it never quoted and missed the ones it did (a CC BY attribution bug). Instead, the
rows handed to templates and chart builders are ``Row`` objects: reading one of their numbers
while an article is being rendered records that number's (source table, measure, year) in the
article's ``Ledger``. What a template tests but never prints (an ``is not none``) is read too,
which errs on the side of citing; what it never touches is never cited.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

Source = tuple[str, str, int]
"""(source_table, measure, year) of one published number."""

NUMBERS = frozenset(
    {
        "women",
        "men",
        "total",
        "share",
        "men_share",
        "country_share",
        "value",
        "d",
        "ip",
        "balanced",
        "old",
        "new",
        "d_prev",
        "d_last",
        "ip_prev",
        "ip_last",
        "bal_prev",
        "bal_last",
    }
)
"""The keys of a row that hold published numbers (names and codes are not cited)."""

_CURRENT: ContextVar[Ledger | None] = ContextVar("article_ledger", default=None)


class Ledger:
    """The sources of every number read while one article was rendered."""

    def __init__(self) -> None:
        self.used: set[Source] = set()

    @property
    def tables(self) -> set[str]:
        return {table for table, _, _ in self.used}


@contextmanager
def recording(ledger: Ledger) -> Iterator[Ledger]:
    """Record into ``ledger`` every number read from a ``Row`` inside the block."""
    token = _CURRENT.set(ledger)
    try:
        yield ledger
    finally:
        _CURRENT.reset(token)


class Row(dict):
    """A dict whose numbers know their published source.

    ``source`` is the row's (table, measure, year); ``fields`` overrides it per key, for a row
    that sets a value of one year beside a value of another (a change from 2018 to 2019 quotes
    two tables).
    """

    __slots__ = ("_fields", "_source")

    def __init__(
        self,
        data: dict[str, Any],
        source: Source | None = None,
        fields: dict[str, Source] | None = None,
    ) -> None:
        super().__init__(data)
        self._source = source
        self._fields = fields or {}

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        ledger = _CURRENT.get()
        if ledger is not None and key in NUMBERS and value is not None:
            source = self._fields.get(key, self._source)
            if source is not None:
                ledger.used.add(source)
        return value

    def with_values(self, data: dict[str, Any]) -> Row:
        """The same sources over other values (the Markdown-escaped copy of this row): the
        copy a template reads must record what it prints, as this row would."""
        return Row(data, self._source, self._fields)

    def source_of(self, key: str) -> Source | None:
        return self._fields.get(key, self._source)
