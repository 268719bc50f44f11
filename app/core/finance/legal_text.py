"""Texts the law requires on every appeal for donations (DON-9, CE L52-9; docs/rules.md).

Pure data and one function building the mentions from plain campaign facts; the app renders
them (themes only place the slot, so no theme can drop them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.finance.periods import format_date

# CE L52-8, alinéas 1 à 3 (version en vigueur depuis le 30/06/2020, loi n° 2019-1269).
L52_8_AL_1_3: tuple[str, ...] = (
    "Une personne physique peut verser un don à un candidat si elle est de nationalité française "
    "ou si elle réside en France. Les dons consentis par une personne physique dûment identifiée "
    "pour le financement de la campagne d'un ou plusieurs candidats lors des mêmes élections ne "
    "peuvent excéder 4 600 euros.",
    "Les personnes morales, à l'exception des partis ou groupements politiques, ne peuvent "
    "participer au financement de la campagne électorale d'un candidat, ni en lui consentant des "
    "dons sous quelque forme que ce soit, ni en lui fournissant des biens, services ou autres "
    "avantages directs ou indirects à des prix inférieurs à ceux qui sont habituellement "
    "pratiqués. Les personnes morales, à l'exception des partis et groupements politiques ainsi "
    "que des établissements de crédit ou sociétés de financement ayant leur siège social dans un "
    "Etat membre de l'Union européenne ou partie à l'accord sur l'Espace économique européen, ne "
    "peuvent ni consentir des prêts à un candidat, ni lui apporter leur garantie pour l'obtention "
    "de prêts.",
    "Tout don de plus de 150 euros consenti à un candidat en vue de sa campagne doit être versé "
    "par chèque, virement, prélèvement automatique ou carte bancaire.",
)

# CE L113-1, III (PEN-2, reproduced as L52-9 requires).
L113_1_III: tuple[str, ...] = (
    "Sera puni de trois ans d'emprisonnement et de 45 000 € d'amende quiconque aura, en vue "
    "d'une campagne électorale, accordé un don ou un prêt en violation des articles L. 52-7-1 "
    "et L. 52-8.",
    "Lorsque le donateur ou le prêteur sera une personne morale, le premier alinéa du présent "
    "III sera applicable à ses dirigeants de droit ou de fait.",
)


@dataclass(frozen=True)
class MandateFacts:
    candidate_name: str
    list_name: str | None
    election_label: str  # e.g. "municipale partielle de Saint-Aubin-des-Prés"
    round1: date
    round2: date | None
    mandataire_type: str | None  # "MF" | "AFE" | None
    mandataire_name: str | None
    mandataire_declared_on: date | None
    prefecture: str | None


@dataclass(frozen=True)
class LegalMentions:
    intro: str  # empty when something required is missing
    missing: tuple[str, ...]  # French names of the missing facts (MAND-1 / DON-9)
    l52_8: tuple[str, ...] = L52_8_AL_1_3
    l113_1: tuple[str, ...] = L113_1_III

    @property
    def complete(self) -> bool:
        return not self.missing


def legal_mentions(facts: MandateFacts) -> LegalMentions:
    """DON-9 (CE L52-9): who receives the funds, through which mandataire, and the articles."""
    missing = []
    if not facts.candidate_name:
        missing.append("le nom du candidat ou de la tête de liste")
    if facts.mandataire_type not in {"MF", "AFE"}:
        missing.append("le type de mandataire (MF ou AFE)")
    if not facts.mandataire_name:
        missing.append("le nom du mandataire")
    if facts.mandataire_declared_on is None:
        missing.append("la date de déclaration du mandataire")
    if missing:
        return LegalMentions(intro="", missing=tuple(missing))
    declared = format_date(facts.mandataire_declared_on)  # type: ignore[arg-type]
    if facts.mandataire_type == "AFE":
        where = f" à la {facts.prefecture}" if facts.prefecture else ""
        receiver = (f"l'association de financement électorale « {facts.mandataire_name} », "
                    f"déclarée{where} le {declared}")
        channel = "son association de financement électorale"
    else:
        receiver = f"{facts.mandataire_name}, mandataire financier désigné le {declared}"
        channel = "son mandataire financier"
    beneficiary = (f"la liste « {facts.list_name} » conduite par {facts.candidate_name}"
                   if facts.list_name else facts.candidate_name)
    dates = format_date(facts.round1)
    if facts.round2:
        dates = f"{dates} et {format_date(facts.round2)}"
    subject = "La liste" if facts.list_name else "Le candidat"
    intro = (f"Les dons sont exclusivement versés à {receiver}, pour le financement de la "
             f"campagne de {beneficiary} à l'élection {facts.election_label} des {dates}. "
             f"{subject} ne peut recueillir de dons que par l'intermédiaire de {channel}.")
    return LegalMentions(intro=intro, missing=())
