"""Texts the law requires on every appeal for donations (DON-9, CE L52-9; docs/rules.md).

Pure data and one function building the mentions from plain campaign facts; the app renders
them (themes only place the slot, so no theme can drop them). Each campaign mode has its own:

* ``candidat``: the mandataire and CE L52-8 al. 1-3 with L113-1 III (CE L52-9);
* ``petite-commune`` (MAND-4, DON-SMALL): no mandataire below 9 000 inhabitants, no tax
  receipt, but L52-8 still applies, so its alinéas and L113-1 III are reproduced;
* ``parti`` (PARTY-1): the party's financing association or mandataire and loi 88-227 art.
  11-4 al. 1 and 3 and art. 11-5 al. 1 (décret 90-606 art. 11-3 1°), 7 500 € a year.
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


# Loi n° 88-227 du 11 mars 1988, art. 11-4 al. 1 et 3 and art. 11-5 al. 1, as party donation
# pages reproduce them (docs/rules.md, PARTY-1). ⚠ Check the current wording on Légifrance.
ART_11_4: tuple[str, ...] = (
    "Une personne physique peut verser un don à un parti ou groupement politique si elle est de "
    "nationalité française ou si elle réside en France. Les dons consentis et les cotisations "
    "versées en qualité d'adhérent d'un ou de plusieurs partis ou groupements politiques par "
    "une personne physique dûment identifiée à une ou plusieurs associations agréées en qualité "
    "d'association de financement ou à un ou plusieurs mandataires financiers d'un ou de "
    "plusieurs partis ou groupements politiques ne peuvent annuellement excéder 7 500 euros.",
    "Les personnes morales à l'exception des partis ou groupements politiques ne peuvent "
    "contribuer au financement des partis ou groupements politiques, ni en consentant des dons, "
    "sous quelque forme que ce soit, à leurs associations de financement ou à leurs mandataires "
    "financiers, ni en leur fournissant des biens, services ou autres avantages directs ou "
    "indirects à des prix inférieurs à ceux qui sont habituellement pratiqués. Les personnes "
    "morales, à l'exception des partis et groupements politiques ainsi que des établissements "
    "de crédit et sociétés de financement ayant leur siège social dans un Etat membre de "
    "l'Union européenne ou partie à l'accord sur l'Espace économique européen, ne peuvent ni "
    "consentir des prêts aux partis et groupements politiques ni apporter leur garantie aux "
    "prêts octroyés aux partis et groupements politiques.",
)
ART_11_5: tuple[str, ...] = (
    "Les personnes qui ont versé un don ou consenti un prêt à un ou plusieurs partis ou "
    "groupements politiques en violation des articles 11-3-1 et 11-4 sont punies de trois ans "
    "d'emprisonnement et de 45 000 € d'amende.",
)

#: (title, paragraphs) of the articles each mode reproduces.
Section = tuple[str, tuple[str, ...]]
CANDIDATE_SECTIONS: tuple[Section, ...] = (
    ("Article L. 52-8 du code électoral (alinéas 1 à 3)", L52_8_AL_1_3),
    ("Article L. 113-1 du code électoral, III", (" ".join(L113_1_III),)),
)
PARTY_SECTIONS: tuple[Section, ...] = (
    ("Article 11-4 de la loi n° 88-227 du 11 mars 1988 (alinéas 1 et 3)", ART_11_4),
    ("Article 11-5 de la loi n° 88-227 du 11 mars 1988 (alinéa 1)", ART_11_5),
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
    mode: str = "candidat"  # candidat | petite-commune | parti


@dataclass(frozen=True)
class LegalMentions:
    intro: str  # empty when something required is missing
    missing: tuple[str, ...]  # French names of the missing facts (MAND-1 / DON-9)
    l52_8: tuple[str, ...] = L52_8_AL_1_3
    l113_1: tuple[str, ...] = L113_1_III
    sections: tuple[Section, ...] = CANDIDATE_SECTIONS
    mode: str = "candidat"

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def collecting(self) -> bool:
        """Whether gifts may be open while facts are missing (no MAND-1 outside candidate
        mode): the block then lists what to complete instead of saying gifts are closed."""
        return self.mode != "candidat"


def _dates(facts: MandateFacts) -> str:
    dates = format_date(facts.round1)
    return f"{dates} et {format_date(facts.round2)}" if facts.round2 else dates


def _beneficiary(facts: MandateFacts) -> str:
    return (f"la liste « {facts.list_name} » conduite par {facts.candidate_name}"
            if facts.list_name else facts.candidate_name)


def legal_mentions(facts: MandateFacts) -> LegalMentions:
    """DON-9 (CE L52-9): who receives the funds, through which mandataire, and the articles;
    in small-commune and party modes, the mentions that mode calls for."""
    if facts.mode == "petite-commune":
        return _small_commune(facts)
    if facts.mode == "parti":
        return _party(facts)
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
    subject = "La liste" if facts.list_name else "Le candidat"
    intro = (f"Les dons sont exclusivement versés à {receiver}, pour le financement de la "
             f"campagne de {_beneficiary(facts)} à l'élection {facts.election_label} des "
             f"{_dates(facts)}. {subject} ne peut recueillir de dons que par l'intermédiaire "
             f"de {channel}.")
    return LegalMentions(intro=intro, missing=())


def _small_commune(facts: MandateFacts) -> LegalMentions:
    """MAND-4 / DON-SMALL: no mandataire (L52-4 does not apply below 9 000 inhabitants), no
    tax receipt, L52-8 al. 1-3 and L113-1 III still reproduced."""
    if not facts.candidate_name:
        return LegalMentions(intro="", missing=("le nom du candidat ou de la tête de liste",),
                             mode=facts.mode)
    intro = (f"Les dons sont versés pour le financement de la campagne de {_beneficiary(facts)} "
             f"à l'élection {facts.election_label} des {_dates(facts)}. Dans une commune de "
             "moins de 9 000 habitants, la campagne n'a ni mandataire financier ni compte de "
             "campagne (article L. 52-4, dernier alinéa, du code électoral) : les dons ne "
             "donnent lieu à aucun reçu fiscal ni à aucune réduction d'impôt, et le solde "
             "positif éventuel est rendu aux donateurs. Les règles de l'article L. 52-8 "
             "s'appliquent.")
    return LegalMentions(intro=intro, missing=(), mode=facts.mode)


def _party(facts: MandateFacts) -> LegalMentions:
    """PARTY-1 (loi 88-227 art. 11-4, décret 90-606 art. 11-3 1°): the party's financing
    association or mandataire, art. 11-4 al. 1 and 3 and art. 11-5 al. 1."""
    missing = []
    if not facts.candidate_name:
        missing.append("le nom du parti ou groupement politique")
    if facts.mandataire_type not in {"MF", "AFE"} or not facts.mandataire_name:
        missing.append("l'association de financement ou le mandataire financier du parti")
    if facts.mandataire_declared_on is None:
        missing.append("la date d'agrément ou de déclaration du mandataire")
    if missing:
        return LegalMentions(intro="", missing=tuple(missing), sections=PARTY_SECTIONS,
                             mode=facts.mode)
    declared = format_date(facts.mandataire_declared_on)  # type: ignore[arg-type]
    receiver = (f"l'association de financement « {facts.mandataire_name} », agréée le "
                f"{declared}" if facts.mandataire_type == "AFE" else
                f"{facts.mandataire_name}, mandataire financier désigné le {declared}")
    intro = (f"Les dons sont versés à {receiver}, au bénéfice de {facts.candidate_name}. Les "
             "dons et cotisations d'une personne à un ou plusieurs partis ne peuvent excéder "
             "7 500 € par an.")
    return LegalMentions(intro=intro, missing=(), sections=PARTY_SECTIONS, mode=facts.mode)
