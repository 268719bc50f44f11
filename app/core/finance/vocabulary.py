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
