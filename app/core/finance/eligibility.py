"""Who may give, and when: the rules about the donor and the collection period (docs/rules.md:
MAND-1, MAND-2, DON-1, DON-3, DON-4, DON-6, DON-12, DON-13).

Split from :mod:`app.core.finance.rules`, which re-exports every name and combines these checks
with the amount rules in :func:`~app.core.finance.rules.evaluate_gift`.
"""

from __future__ import annotations

from datetime import date

from app.core.finance.decision import (
    COMPANY_MARKERS,
    REFUSED,
    WARNING,
    CampaignFacts,
    Decision,
    Donor,
    Gift,
    Reason,
    is_france,
)
from app.core.finance.donors import normalise_name, same_person_name
from app.core.finance.periods import collection_end, format_date, legal_window_start

# --------------------------------------------------------------------------- mandataire, window


def check_mandataire(facts: CampaignFacts) -> Decision:
    """MAND-1 (CE L52-4 al. 1): no donation before a mandataire (AFE or MF) is declared.

    Not applicable in ``petite-commune`` mode (MAND-4: L52-4 does not apply below 9 000
    inhabitants) nor in ``parti`` mode (the party's own financing body, loi 88-227 art. 11).
    """
    if facts.mode != "candidat" or facts.mandataire_declared:
        return Decision.accept()
    return Decision.refuse(
        "MAND-1",
        "Aucun mandataire financier ni association de financement électorale n'est déclaré en "
        "préfecture : la campagne ne peut recueillir aucun don tant que cette déclaration "
        "n'est pas enregistrée (art. L52-4 du code électoral).",
    )


def collection_window(facts: CampaignFacts) -> tuple[date, date | None]:
    """MAND-2 (CE L52-4 al. 2): ``(first day, last day or None)`` of the collection period.

    Start: first day of the month six months before the election month (présidentielle: twelve),
    unless ``facts.collection_start`` overrides it (partial or early elections). End: the filing
    date of the campaign account, inclusive; before it is set, the legal filing deadline
    (ACC-2, the tenth Friday after the first round) in candidate mode, ``None`` otherwise.
    """
    start = facts.collection_start or legal_window_start(facts.election_kind, facts.round1)
    return start, collection_end(facts.filing_date, facts.round1, facts.mode)


def check_window(gift: Gift, facts: CampaignFacts) -> Decision:
    """MAND-2 (CE L52-4 al. 2): the gift must fall inside the collection window.

    ``parti`` mode: no window. ``petite-commune`` mode: only the dates the staff entered
    (``collection_start``, ``filing_date``) are checked, as L52-4 does not apply.
    """
    if facts.mode == "parti":
        return Decision.accept()
    if facts.mode == "petite-commune":
        start, end = facts.collection_start, facts.filing_date
    else:
        start, end = collection_window(facts)
    when = format_date(gift.on)
    if start is not None and gift.on < start:
        return Decision.refuse(
            "MAND-2",
            f"Don du {when} antérieur à l'ouverture de la période de collecte le "
            f"{format_date(start)} : le mandataire ne peut recueillir de fonds qu'à partir de "
            "cette date (art. L52-4 du code électoral). Le don doit être refusé ou remboursé.",
        )
    declared = facts.mandataire_declared_on
    if facts.mode == "candidat" and declared is not None and gift.on < declared:
        return Decision.refuse(
            "MAND-1",
            f"Don du {when} antérieur à la déclaration du mandataire le {format_date(declared)} : "
            "seul le mandataire déclaré peut recueillir des fonds, et seulement à partir de sa "
            "déclaration (art. L52-4, L52-5 et L52-6 du code électoral). Le don doit être refusé "
            "ou remboursé.",
        )
    if end is not None and gift.on > end:
        filed = facts.filing_date is not None and end == facts.filing_date
        what = ("au dépôt du compte de campagne" if filed else
                "à la date limite de dépôt du compte de campagne (10e vendredi après le 1er "
                "tour, art. L52-12)")
        return Decision.refuse(
            "MAND-2",
            f"Don du {when} postérieur {what} le {format_date(end)} : la période de collecte "
            "est close (art. L52-4 du code électoral).",
        )
    return Decision.accept()


# --------------------------------------------------------------------------- donor identity


def check_identity(donor: Donor, facts: CampaignFacts) -> Decision:
    """DON-10 (CE R39-1 al. 1): identity, nationality and fiscal address of every donor.

    Missing fields are refused where R39-1 applies (candidat, parti) and only warned about in
    ``petite-commune`` mode (no campaign account, but L52-8 still wants an identified donor).
    """
    labels = {
        "nom": donor.nom,
        "prénom": donor.prenom,
        "adresse": donor.adresse,
        "code postal": donor.code_postal,
        "commune": donor.commune,
        "pays": donor.pays,
        "nationalité": donor.nationalite,
    }
    missing = [label for label, value in labels.items() if not value.strip()]
    if missing:
        message = (
            f"Identité du donateur incomplète ({', '.join(missing)} manquant(s)) : le mandataire "
            "doit relever l'identité, la nationalité et l'adresse du domicile fiscal de chaque "
            "donateur (art. R39-1 du code électoral)."
        )
        severity = WARNING if facts.mode == "petite-commune" else REFUSED
        return Decision((Reason("DON-10", severity, message),))
    postcode = donor.code_postal.replace(" ", "")
    if normalise_name(donor.pays) in {"fr", "fra", "france"} and not (
        len(postcode) == 5 and postcode.isdigit()
    ):
        return Decision.warn(
            "DON-10",
            f"Code postal « {donor.code_postal} » inhabituel pour une adresse en France "
            "(5 chiffres attendus) : vérifiez l'adresse du domicile fiscal.",
        )
    return Decision.accept()


def check_eligibility(donor: Donor, *, include_natural_person: bool = True) -> Decision:
    """DON-1 (CE L52-8 al. 1, 1st sentence): natural person, French **or** resident in France,
    and the eligibility attestation ticked on the form.

    ``include_natural_person=False`` leaves the legal-person case to :func:`check_legal_person`
    (DON-3), as :func:`evaluate_gift` does, so the treasurer does not read it twice.
    """
    reasons: list[Reason] = []
    if include_natural_person and not donor.natural_person:
        reasons.append(
            Reason(
                "DON-1",
                REFUSED,
                "Seule une personne physique peut faire un don à un candidat "
                "(art. L52-8, al. 1, du code électoral).",
            )
        )
    if not (donor.is_french or donor.lives_in_france):
        reasons.append(
            Reason(
                "DON-1",
                REFUSED,
                f"Le donateur n'est ni de nationalité française (« {donor.nationalite} ») ni "
                f"domicilié en France (« {donor.pays} ») : il ne peut pas faire de don "
                "(art. L52-8, al. 1, du code électoral). Le don doit être refusé ou remboursé.",
            )
        )
    if not donor.attests_eligibility:
        reasons.append(
            Reason(
                "DON-1",
                REFUSED,
                "Le donateur n'a pas attesté être une personne physique de nationalité française "
                "ou résidant en France, donnant sur ses fonds personnels : le don ne peut pas "
                "être accepté sans cette attestation.",
            )
        )
    return Decision(tuple(reasons))


def company_markers(*names: str) -> tuple[str, ...]:
    """DON-3 markers found in ``names`` (word boundaries, case- and accent-insensitive).

    ``company_markers("Dupont SARL")`` → ``("SARL",)``; ``company_markers("Sasha")`` → ``()``.
    """
    words = f" {normalise_name(' '.join(names).replace('.', '').replace('&', ' & '))} "
    return tuple(display for marker, display in COMPANY_MARKERS.items() if f" {marker} " in words)


def check_legal_person(donor: Donor) -> Decision:
    """DON-3 (CE L52-8 al. 2): legal persons (companies, associations, unions…) may not give.

    Refused when the donor is not a natural person; warned when the name looks like a company.
    """
    if not donor.natural_person:
        return Decision.refuse(
            "DON-3",
            "Les personnes morales (sociétés, associations, syndicats, collectivités…) ne "
            "peuvent pas financer une campagne électorale, sous quelque forme que ce soit "
            "(art. L52-8, al. 2, du code électoral).",
        )
    found = company_markers(donor.nom, donor.prenom)
    if found:
        markers = ", ".join(f"« {m} »" for m in found)
        return Decision.warn(
            "DON-3",
            f"Le nom « {donor.full_name} » contient {markers}, ce qui évoque une personne "
            "morale : vérifiez que le don vient d'une personne physique et de ses fonds "
            "personnels (art. L52-8, al. 2, du code électoral).",
        )
    return Decision.accept()


def check_foreign(donor: Donor) -> Decision:
    """DON-6 (CE L52-8 al. 6): no aid from a foreign State or foreign legal person.

    Warned (possible third-party or foreign payment) when a non-French donor pays with a card
    issued abroad or declares a fiscal address abroad.
    """
    if donor.is_french:
        return Decision.accept()
    causes = []
    if donor.card_country and not is_france(donor.card_country):
        causes.append(f"carte bancaire émise à l'étranger ({donor.card_country})")
    if donor.pays and not donor.lives_in_france:
        causes.append(f"domicile fiscal hors de France ({donor.pays})")
    if not causes:
        return Decision.accept()
    return Decision.warn(
        "DON-6",
        f"Donateur de nationalité non française, {' et '.join(causes)} : vérifiez que le don ne "
        "provient ni d'un État ou d'une personne morale étrangers, ni d'un tiers "
        "(art. L52-8, al. 6, du code électoral).",
    )


def check_personal_contribution(donor: Donor, facts: CampaignFacts) -> Decision:
    """DON-12 (CNCCFP FAQ; CE L52-12, L52-11-1): the candidate's or a colistier's money is an
    *apport personnel*, not a donation.

    Names are compared after :func:`app.core.finance.donors.normalise_name`, in any order
    ("Marie Dupont" = "DUPONT Marie"). Refused *as a donation* (no receipt, no tax reduction).
    """
    people = [("le candidat", facts.candidate_name)]
    people += [("le colistier", name) for name in facts.colistiers]
    for role, name in people:
        if name and same_person_name(name, donor.nom, donor.prenom):
            return Decision.refuse(
                "DON-12",
                f"« {donor.full_name} » est {role} « {name} » : ce versement n'est pas un don, "
                "il est à enregistrer comme apport personnel (pas de reçu-don, pas de réduction "
                "d'impôt).",
            )
    return Decision.accept()
