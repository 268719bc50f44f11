"""Donor identity: normalisation, exact keys, likely duplicates (DON-2, DON-10, DON-12).

DON-2 caps gifts per *duly identified natural person*; the software matches donors on
normalised (nom, prénom, code postal, adresse). Exact matches are merged by :func:`donor_key`;
near matches are only *proposed* to the treasurer by :func:`likely_duplicates` (WARN).
Everything here is deterministic: same input, same output, same order.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

__all__ = [
    "Duplicate",
    "donor_key",
    "levenshtein",
    "likely_duplicates",
    "name_tokens",
    "normalise_address",
    "normalise_name",
    "normalise_postcode",
    "same_person_name",
]

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―'’‘`´ʼ.,;:/\\_()\[\]\"«»]+")
_CIVILITIES = frozenset({"m", "mr", "mme", "mlle", "monsieur", "madame", "mademoiselle", "dr"})

# Street-type abbreviations found in French addresses (La Poste usage), normalised to one form.
_ADDRESS_WORDS: dict[str, str] = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "boul": "boulevard",
    "bvd": "boulevard",
    "ch": "chemin",
    "chem": "chemin",
    "crs": "cours",
    "fbg": "faubourg",
    "fg": "faubourg",
    "imp": "impasse",
    "all": "allee",
    "pl": "place",
    "pte": "porte",
    "qu": "quai",
    "r": "rue",
    "rte": "route",
    "sq": "square",
    "st": "saint",
    "ste": "sainte",
    "res": "residence",
    "lot": "lotissement",
    "bat": "batiment",
    "apt": "appartement",
    "app": "appartement",
    "b": "bis",
    "t": "ter",
}


def _fold(text: str) -> str:
    """Casefold and strip accents (NFKD, combining marks removed)."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold()


def normalise_name(s: str) -> str:
    """``"Jean-François  D'Arc"`` → ``"jean francois d arc"``.

    Casefold, accents removed, ligatures expanded, hyphens/apostrophes/dots and runs of spaces
    turned into one space.
    """
    return " ".join(_SEPARATORS.split(_fold(s or ""))).strip()


def name_tokens(text: str) -> tuple[str, ...]:
    """Sorted name words without civility: ``"Mme DUPONT Marie"`` → ``("dupont", "marie")``."""
    return tuple(sorted(t for t in normalise_name(text).split() if t not in _CIVILITIES))


def same_person_name(full_name: str, nom: str, prenom: str) -> bool:
    """True when ``full_name`` ("Prénom Nom" or "NOM Prénom") names the person (nom, prenom)."""
    expected = name_tokens(full_name)
    return bool(expected) and expected == name_tokens(f"{prenom} {nom}")


def normalise_postcode(code_postal: str) -> str:
    """``"75 011"`` → ``"75011"``; letters kept upper-case for foreign codes."""
    return re.sub(r"[\s\-]+", "", (code_postal or "")).upper()


def normalise_address(adresse: str, code_postal: str = "", commune: str = "") -> str:
    """Comparable address: folded, punctuation removed, street abbreviations expanded.

    ``"12, Bd Saint-Michel"`` and ``"12 boulevard St Michel"`` give the same result. When given,
    the postcode and the commune are appended (``"… | 75005 | paris"``).
    """
    words = [_ADDRESS_WORDS.get(w, w) for w in normalise_name(adresse).split()]
    parts = [" ".join(words)]
    if code_postal or commune:
        parts += [normalise_postcode(code_postal), normalise_name(commune)]
    return " | ".join(parts)


def donor_key(nom: str, prenom: str, code_postal: str, adresse: str) -> str:
    """Stable key for exact donor matching: ``"dupont|marie|75011|12 rue oberkampf"``."""
    return "|".join(
        (
            normalise_name(nom),
            normalise_name(prenom),
            normalise_postcode(code_postal),
            normalise_address(adresse),
        )
    )


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class Duplicate:
    """Two donor records that are probably the same person; ``score`` 0-100, French ``reason``."""

    first: Hashable
    second: Hashable
    score: int
    reason: str


@dataclass(frozen=True)
class _Row:
    index: int
    id: Hashable
    nom: str
    prenom: str
    postcode: str
    address: str
    label: str


def _compare(a: _Row, b: _Row) -> tuple[int, str] | None:
    same_cp = bool(a.postcode) and a.postcode == b.postcode
    same_addr = same_cp and bool(a.address) and a.address == b.address
    if (a.nom, a.prenom) == (b.nom, b.prenom):
        if same_addr:
            return 100, "Même nom, même prénom et même adresse : donateur saisi deux fois."
        if same_cp:
            return 90, "Même nom et même prénom, même code postal, adresses différentes."
        return 60, (
            "Même nom et même prénom mais code postal différent : homonyme ou déménagement ?"
        )
    if (a.nom, a.prenom) == (b.prenom, b.nom) and (same_cp or not (a.postcode and b.postcode)):
        return 95, f"Nom et prénom inversés : « {a.label} » / « {b.label} »."
    if not same_cp:
        return None
    full_a, full_b = f"{a.nom} {a.prenom}", f"{b.nom} {b.prenom}"
    if min(len(full_a), len(full_b)) < 6 or abs(len(full_a) - len(full_b)) > 2:
        return None
    distance = levenshtein(full_a, full_b)
    if distance > 2:
        return None
    ratio = difflib.SequenceMatcher(None, full_a, full_b).ratio()
    score = min(89, round(ratio * 100) - (0 if same_addr else 10))
    where = "même adresse" if same_addr else "même code postal"
    return score, (
        f"Orthographe proche ({distance} lettre(s) d'écart, faute de frappe ?) : "
        f"« {a.label} » / « {b.label} », {where}."
    )


def likely_duplicates(
    candidates: Iterable[tuple[Hashable, str, str, str, str]],
    *,
    min_score: int = 60,
) -> list[Duplicate]:
    """Pairs of donor records that probably designate the same person.

    ``candidates`` are ``(id, nom, prenom, code_postal, adresse)``. Detected: exact double entry,
    same name with another address, swapped nom/prénom, spelling within 2 edits at the same
    postcode. Sorted by decreasing score, then input order. Only pairs sharing a postcode or the
    same set of name words are compared (blocking), so real donor lists stay cheap to check.
    """
    rows = [
        _Row(
            index=i,
            id=cid,
            nom=normalise_name(nom),
            prenom=normalise_name(prenom),
            postcode=normalise_postcode(cp),
            address=normalise_address(adresse),
            label=f"{prenom} {nom}".strip(),
        )
        for i, (cid, nom, prenom, cp, adresse) in enumerate(candidates)
    ]
    blocks: dict[str, list[int]] = {}
    for row in rows:
        keys = {f"cp:{row.postcode}"} if row.postcode else set()
        keys.add("n:" + " ".join(sorted(f"{row.nom} {row.prenom}".split())))
        for key in keys:
            blocks.setdefault(key, []).append(row.index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        for pos, i in enumerate(members):
            for j in members[pos + 1 :]:
                pairs.add((i, j) if i < j else (j, i))
    found: list[tuple[int, int, int, str]] = []
    for i, j in sorted(pairs):
        result = _compare(rows[i], rows[j])
        if result is not None and result[0] >= min_score:
            found.append((-result[0], i, j, result[1]))
    found.sort()
    return [Duplicate(rows[i].id, rows[j].id, -neg, reason) for neg, i, j, reason in found]
