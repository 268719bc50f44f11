"""French communes from the official reference data bundled with the app (data/SOURCE.md):
INSEE code, name, département, legal population and postal codes.

The site wizard chooses a commune by name with autocompletion; from its population come the
campaign mode (below 9,000 inhabitants: no mandataire nor campaign account, MAND-4) and the
spending cap (CAP-1). Loaded once, on first use (about 37,600 lines).
"""

from __future__ import annotations

import gzip
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
#: Types the wizard offers: a commune, or one of the municipal arrondissements of Paris, Lyon
#: and Marseille (which elect their own councils); delegated and associated communes vote
#: with their commune nouvelle.
ELECTORAL_TYPES = frozenset({"commune-actuelle", "arrondissement-municipal"})


@dataclass(frozen=True)
class Commune:
    code: str  # INSEE code, e.g. "35238"
    name: str
    kind: str
    departement: str  # code, e.g. "35", "2A", "971"
    population: int | None
    postal_codes: tuple[str, ...]

    @property
    def label(self) -> str:
        """« Rennes (35) »: what a list of matches shows."""
        return f"{self.name} ({self.departement})"


def fold(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: « Saint-Étienne » and
    « saint etienne » compare equal."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    for mark in "-'’":
        plain = plain.replace(mark, " ")
    return " ".join(plain.split())


@lru_cache(maxsize=1)
def communes() -> tuple[Commune, ...]:
    with gzip.open(DATA / "communes.tsv.gz", "rt", encoding="utf-8") as handle:
        next(handle)  # header
        rows = [line.rstrip("\n").split("\t") for line in handle]
    return tuple(Commune(code, name, kind, dept, int(pop) if pop else None,
                         tuple(p for p in postal.split(",") if p))
                 for code, name, kind, dept, pop, postal in rows)


@lru_cache(maxsize=1)
def departements() -> dict[str, str]:
    lines = (DATA / "departements.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return dict(line.split("\t", 1) for line in lines)


@lru_cache(maxsize=1)
def _index() -> tuple[tuple[str, Commune], ...]:
    return tuple((fold(c.name), c) for c in communes() if c.kind in ELECTORAL_TYPES)


def by_code(code: str) -> Commune | None:
    """The commune (or municipal arrondissement) with this INSEE code."""
    return next((c for c in communes() if c.code == code.strip()
                 and c.kind in ELECTORAL_TYPES), None)


def search(query: str, limit: int = 10) -> list[Commune]:
    """Communes whose name starts with ``query`` (accents, case and hyphens ignored), then
    those whose name contains it, the most populous first; a postal code or an INSEE code
    finds its communes too."""
    wanted = fold(query)
    if not wanted:
        return []
    if wanted.isdigit():
        found = [c for _, c in _index() if wanted in c.postal_codes or c.code == wanted]
        return sorted(found, key=lambda c: -(c.population or 0))[:limit]
    starts = [c for name, c in _index() if name.startswith(wanted)]
    inside = [c for name, c in _index() if wanted in name and not name.startswith(wanted)]
    ranked = sorted(starts, key=lambda c: -(c.population or 0)) + sorted(
        inside, key=lambda c: -(c.population or 0))
    return ranked[:limit]
