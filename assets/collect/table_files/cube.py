"""The neutral shape every hand-given StatFin file is read into before it is harmonised.

A PX file and a CSV export say the same thing in different syntax: a few variables, each with
value codes and texts in one or more languages, and one number (or status mark) per combination.
Reading both into one ``Cube`` lets a single matcher (``statfin_files``) decide which configured
table the file is, so a PX file and the CSV export of the same table give the same counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class TableFileError(ValueError):
    """A hand-given table file cannot be used; one line names the file, what and how to fix."""


@dataclass
class Dim:
    """One variable of a file, with its values in the order the data uses."""

    code: str  # the source's variable code (VARIABLE-CODE), else its name
    names: dict[str, str]  # language → the variable's text (Ammattiryhmä, Kön, Sex …)
    values: list[str]  # value codes in data order
    texts: dict[str, list[str]]  # language → value texts, aligned with ``values``
    time: bool = False
    content: bool = False
    coded: bool = True  # False: codes were derived from labels (CSV exports carry no codes)

    @property
    def name(self) -> str:
        """The variable's text in the file's default language (the first one given)."""
        return next(iter(self.names.values()), self.code)

    def label(self) -> str:
        """How an error message names the variable: its code and its first text."""
        text = next(iter(self.names.values()), "")
        return self.code if not text or text == self.code else f"{self.code} ({text})"


@dataclass
class Cube:
    """A whole table: variables in data order, values (NaN where marked) and status marks."""

    dims: list[Dim]
    values: np.ndarray  # float64, row-major over ``dims`` (the last varies fastest)
    status: np.ndarray  # object: '' or the file's mark ('..', '.', '-')
    title: str
    file_format: str
    languages: list[str]
    ids: list[tuple[str, str]] = field(default_factory=list)  # (where, id): ("TABLEID", "115s")
    updated: dict[str, str] = field(default_factory=dict)  # content text or '' → ISO UTC

    def __post_init__(self) -> None:
        cells = int(np.prod([len(d.values) for d in self.dims]))
        if self.values.size != cells or self.status.size != cells:
            raise ValueError(f"{cells} cells described but {self.values.size} values given")
