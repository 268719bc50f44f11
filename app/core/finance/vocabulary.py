"""The names of things, declared once with their French labels: payment methods, ledger entry
kinds, election kinds, campaign modes, mandataire types. Forms, exports, the CLI, the ledger
and the rules all read them from here (the keys are what the database stores)."""

from __future__ import annotations

#: How money reached the campaign (DON-4: cash; DON-17: a meeting collection; DON-18: in kind).
PAYMENT_METHODS: dict[str, str] = {
    "carte": "Carte bancaire", "cheque": "Chèque", "virement": "Virement",
    "prelevement": "Prélèvement", "especes": "Espèces", "nature": "En nature", "quete": "Quête",
}  # fmt: skip
#: DON-5 / DON-17: what counts toward the 20 % cash share.
CASH_METHODS: frozenset[str] = frozenset({"especes", "quete"})

#: Lines of a campaign's account; their signs are in :data:`app.core.finance.chain.SIGN`.
ENTRY_KINDS: dict[str, str] = {
    "donation": "Don",
    "in_kind": "Don en nature",
    "collection": "Quête",
    "personal_contribution": "Apport personnel",
    "party_contribution": "Contribution d'un parti",
    "loan": "Prêt",
    "loan_repayment": "Remboursement d'emprunt",
    "refund": "Remboursement au donateur",
    "fee": "Frais de paiement",
    "expense": "Dépense",
    "in_kind_expense": "Dépense en nature (contrepartie)",
    "reversal": "Écriture d'annulation",
}

#: Election kinds (the spending-cap tables of CAP-1 depend on them).
ELECTION_KINDS: dict[str, str] = {
    "municipales": "Municipales",
    "legislatives": "Législatives",
    "departementales": "Départementales",
    "regionales": "Régionales",
    "europeennes": "Européennes",
    "presidentielle": "Présidentielle",
    "senatoriales": "Sénatoriales",
    "partielle": "Municipale partielle",
}

#: Which regime a campaign's money follows (law: MAND-4 small communes, PARTY-1 parties).
CAMPAIGN_MODES: dict[str, str] = {
    "candidat": "Candidat ou liste",
    "petite-commune": "Commune de moins de 9 000 habitants",
    "parti": "Parti ou groupement politique",
}

#: MAND-1: the two kinds of mandataire (CE L52-5, L52-6).
MANDATAIRE_TYPES: dict[str, str] = {
    "MF": "Mandataire financier",
    "AFE": "Association de financement électorale",
}

#: Natures of expenses, following the headings of the compte de campagne (CNCCFP).
EXPENSE_NATURES: dict[str, str] = {
    "personnel": "Salaires et charges sociales",
    "honoraires": "Honoraires et prestations de conseil",
    "expert_comptable": "Honoraires de l'expert-comptable",
    "locaux": "Locaux : loyers, charges, entretien",
    "equipement": "Achats et locations de matériel",
    "transport": "Transports et déplacements",
    "reception": "Frais de réception et de restauration",
    "reunions": "Réunions publiques : location de salles, sonorisation",
    "impression": "Impression : tracts, affiches, documents (hors propagande officielle)",
    "publications": "Publications, journaux, objets de propagande",
    "numerique": "Services numériques : site internet, réseaux sociaux, hébergement",
    "telecom": "Téléphone, courrier, envois postaux",
    "frais_bancaires": "Frais bancaires et de paiement",
    "sondages": "Sondages et études",
    "divers": "Divers (à détailler)",
}

#: MAND-3 (CE L52-4 al. 3): who paid an expense.
PAYERS: dict[str, str] = {
    "mandataire": "Le mandataire financier (compte de campagne)",
    "candidat": "Le candidat, avant la déclaration du mandataire",
    "parti": "Un parti ou groupement politique",
}

#: LOAN-1, DON-3: who may lend to a candidate.
LENDERS: dict[str, str] = {
    "personne": "Une personne physique",
    "parti": "Un parti ou groupement politique",
    "banque": "Un établissement de crédit de l'Union européenne ou de l'EEE",
}
