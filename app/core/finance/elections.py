"""What makes two campaigns "the same election" (DON-2, CE L52-8 al. 1: « lors des mêmes
élections »), the legal filing deadline (ACC-2) and the checks on a campaign's set-up that the
law ties to its population (MAND-4, DON-5).

An election is identified by its kind, its first-round date and its scope, never by a label:
the CNCCFP counts one general municipal election nationwide (a donor cannot give 4 600 € in
Paris and 4 600 € more in Bordeaux), while a by-election, the arrondissement (sector) councils
of Paris, Lyon and Marseille and the Lyon metropolitan council are elections of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.finance.decision import Decision
from app.core.finance.donors import normalise_name
from app.core.finance.money import format_int
from app.core.finance.periods import collection_end, filing_deadline, format_date
from app.core.finance.spending_cap import MUNICIPAL_MIN_POPULATION
from app.core.finance.vocabulary import ELECTION_KINDS

__all__ = ["ELECTION_SCOPES", "ElectionError", "ElectionIdentity", "check_mode_population",
           "collection_end", "election_identity", "filing_deadline", "population_needed"]

#: Scopes of an election (the key of its identity besides kind and first-round date).
ELECTION_SCOPES: dict[str, str] = {
    "generale": "Élection générale (une seule élection dans tout le pays)",
    "partielle": "Élection partielle (une commune ou une circonscription)",
    "arrondissements": "Conseils d'arrondissement ou de secteur (Paris, Lyon, Marseille)",
    "metropole-lyon": "Conseil de la métropole de Lyon",
    "ancienne": "Élection enregistrée sous un nom, avant son identité (à vérifier)",
}
#: Cities whose arrondissement or sector councils are elected apart (loi n° 2025-795, PLM).
PLM_CITIES: frozenset[str] = frozenset({"paris", "lyon", "marseille"})
#: Kinds whose spending cap (CAP-1) is computed from the population of the circonscription.
POPULATION_KINDS: frozenset[str] = frozenset(
    {"municipales", "partielle", "legislatives", "departementales", "regionales", "senatoriales"})
#: Scopes a campaign file may name (``ancienne`` only comes from the migration of old rows).
FILE_SCOPES: tuple[str, ...] = ("generale", "partielle", "arrondissements", "metropole-lyon")


class ElectionError(ValueError):
    """A French message: the election's identity is incomplete or contradictory."""


@dataclass(frozen=True)
class ElectionIdentity:
    """Kind, first-round date, scope and, where the scope needs one, the territory."""

    kind: str
    round1: date
    scope: str = "generale"
    territory: str = ""

    @property
    def key(self) -> tuple[str, date, str, str]:
        return (self.kind, self.round1, self.scope, self.territory)

    @property
    def label(self) -> str:
        """A French description, e.g. « Municipales du 14/03/2032 »."""
        kind = ELECTION_KINDS.get(self.kind, self.kind)
        where = {"partielle": f" ({self.territory})",
                 "arrondissements": f", conseils d'arrondissement ({self.territory})",
                 "metropole-lyon": ", conseil de la métropole de Lyon",
                 "ancienne": f" (n° {self.territory}, à vérifier)"}.get(self.scope, "")
        return f"{kind} du {format_date(self.round1)}{where}"


def election_identity(kind: str, round1: date, scope: str | None = None,
                      territory: str | None = None) -> ElectionIdentity:
    """DON-2: the identity of an election from what a campaign file states.

    * ``scope`` defaults to ``generale`` (``partielle`` for the ``partielle`` kind): every
      campaign of a general election shares it, whatever its commune or circonscription;
    * ``partielle`` needs the ``territory`` (commune or circonscription, compared without
      case or accents): two by-elections on one day are two elections;
    * ``arrondissements`` (municipales only) needs the city, Paris, Lyon or Marseille;
    * ``metropole-lyon`` (municipales only): the Lyon metropolitan council.
    """
    if kind not in ELECTION_KINDS:
        raise ElectionError(f"Type d'élection inconnu « {kind} ».")
    scope = (scope or "").strip() or ("partielle" if kind == "partielle" else "generale")
    if scope not in FILE_SCOPES:
        raise ElectionError("[election] scope doit être l'un de : " + ", ".join(FILE_SCOPES))
    if kind == "partielle" and scope != "partielle":
        raise ElectionError("Une municipale partielle a la portée « partielle ».")
    place = normalise_name(territory or "")
    if scope == "partielle":
        if not place:
            raise ElectionError(
                "[election] territory est obligatoire pour une élection partielle (commune ou "
                "circonscription) : deux partielles du même jour sont deux élections (DON-2).")
        return ElectionIdentity(kind, round1, scope, place)
    if scope in {"arrondissements", "metropole-lyon"} and kind != "municipales":
        raise ElectionError(f"La portée « {scope} » ne concerne que les municipales.")
    if scope == "arrondissements":
        if place not in PLM_CITIES:
            raise ElectionError("[election] territory doit être paris, lyon ou marseille pour "
                                "les conseils d'arrondissement ou de secteur.")
        return ElectionIdentity(kind, round1, scope, place)
    return ElectionIdentity(kind, round1, scope, "")


# --------------------------------------------------------------------------- set-up checks


def population_needed(mode: str, kind: str) -> bool:
    """Whether a campaign must record its population: its cap (CAP-1, hence DON-5's cash
    ceiling) depends on it in candidate mode, and small-commune mode rests on it (MAND-4)."""
    return mode == "petite-commune" or (mode == "candidat" and kind in POPULATION_KINDS)


def check_mode_population(mode: str, kind: str, population: int | None) -> Decision:
    """MAND-4 (CE L52-4 last al.) and DON-5: the campaign's mode must match its population.

    Refused: a needed population missing (the cash ceiling would be unknown); small-commune
    mode for a commune of 9 000 inhabitants or more (L52-4 applies: mandataire, account, cap);
    candidate mode for a municipal campaign below 9 000 (no mandataire regime, no tax receipt).
    """
    municipal = kind in {"municipales", "partielle"}
    if population is None:
        if not population_needed(mode, kind):
            return Decision.accept()
        why = ("le mode petite-commune n'est possible que sous 9 000 habitants (MAND-4)"
               if mode == "petite-commune" else
               "le plafond de dépenses, donc le plafond des espèces (20 %, DON-5), en dépend")
        rule = "MAND-4" if mode == "petite-commune" else "DON-5"
        return Decision.refuse(rule, f"[campaign] population est obligatoire : {why}.")
    if mode == "petite-commune" and (population >= MUNICIPAL_MIN_POPULATION or not municipal):
        return Decision.refuse(
            "MAND-4",
            f"Mode petite-commune impossible pour {format_int(population)} habitants : il est "
            "réservé aux communes de moins de 9 000 habitants (art. L52-4, dernier alinéa, du code "
            "électoral). Au-delà, choisissez le mode candidat (mandataire, plafond, compte).")
    if mode == "candidat" and municipal and population < MUNICIPAL_MIN_POPULATION:
        return Decision.refuse(
            "MAND-4",
            f"Commune de {format_int(population)} habitants : sous 9 000 habitants, "
            "l'article L52-4 ne s'applique pas (ni mandataire, ni compte de campagne, ni reçu "
            "fiscal). Choisissez le mode petite-commune.")
    return Decision.accept()
