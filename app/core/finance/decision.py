"""Plain data the French rules work on, and the decision they return (docs/rules.md).

Pure: no Flask, SQLAlchemy or Stripe. Callers build these from their own storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from app.core.finance import vocabulary
from app.core.finance.donors import normalise_name
from app.core.finance.identity import Identity
from app.core.finance.money import MoneyError
from app.core.finance.spending_cap import ELECTION_KINDS

Severity = Literal["warning", "refused"]
Status = Literal["accepted", "warning", "refused"]
ACCEPTED: Status = "accepted"
WARNING: Severity = "warning"
REFUSED: Severity = "refused"

PAYMENT_METHODS: tuple[str, ...] = tuple(vocabulary.PAYMENT_METHODS)
CASH_METHODS: frozenset[str] = vocabulary.CASH_METHODS
MODES: tuple[str, ...] = tuple(vocabulary.CAMPAIGN_MODES)

_FRENCH_NATIONALITY = frozenset({"francaise", "francais", "fr", "fra", "france", "french"})
# France, plus overseas departments/collectivities (ISO 3166 codes some PSPs report for them).
_FRANCE = frozenset(
    {
        "fr", "fra", "france", "republique francaise", "france metropolitaine",
        "gp", "guadeloupe", "mq", "martinique", "gf", "guyane", "guyane francaise",
        "re", "reunion", "la reunion", "yt", "mayotte", "pm", "saint pierre et miquelon",
        "bl", "saint barthelemy", "mf", "saint martin", "wf", "wallis et futuna",
        "pf", "polynesie francaise", "nc", "nouvelle caledonie",
    }
)  # fmt: skip

#: DON-3: words that suggest a legal person in a name (normalised → displayed form).
COMPANY_MARKERS: dict[str, str] = {
    "sas": "SAS", "sasu": "SASU", "sarl": "SARL", "sa": "SA", "sci": "SCI", "eurl": "EURL",
    "snc": "SNC", "scp": "SCP", "sca": "SCA", "scop": "SCOP", "scic": "SCIC", "selarl": "SELARL",
    "earl": "EARL", "gaec": "GAEC", "gie": "GIE", "ltd": "Ltd", "inc": "Inc", "llc": "LLC",
    "gmbh": "GmbH", "association": "association", "asso": "asso", "societe": "société",
    "ste": "Sté", "fondation": "fondation", "mutuelle": "mutuelle", "syndicat": "syndicat",
    "cabinet": "cabinet", "etablissements": "établissements", "ets": "Ets",
    "entreprise": "entreprise", "holding": "holding", "comite": "comité", "cie": "Cie",
    "& fils": "& fils", "et fils": "et fils", "& cie": "& Cie", "et cie": "et Cie",
}  # fmt: skip


#: DON-1: what the forms store for "not French" (the country of fiscal domicile then decides).
OTHER_NATIONALITY = "autre"
#: The two answers the forms offer for the nationality (DON-1, R39-1): stored as is.
NATIONALITY_CHOICES: tuple[str, ...] = ("française", OTHER_NATIONALITY)


def is_french_national(nationalite: str) -> bool:
    """DON-1: ``"française"``, ``"Français"``, ``"FR"``, ``"FRA"``, ``"French"`` and dual
    nationals (``"franco-allemande"``, ``"française et belge"``) → True."""
    words = normalise_name(nationalite)
    if words in _FRENCH_NATIONALITY:
        return True
    tokens = words.split()
    return len(tokens) > 1 and (tokens[0] == "franco" or any(
        t in {"francaise", "francais", "french"} for t in tokens))


def is_france(pays: str) -> bool:
    """``"France"``, ``"FR"``, overseas departments and collectivities → True."""
    return normalise_name(pays) in _FRANCE


@dataclass(frozen=True)
class Reason:
    """Why a gift is refused or warned about: rule id (docs/rules.md), severity, French message."""

    rule: str
    severity: Severity
    message: str


@dataclass(frozen=True)
class Decision:
    """The outcome of one or several rules: ``accepted`` when no reason was raised."""

    reasons: tuple[Reason, ...] = ()

    @property
    def status(self) -> Status:
        severities = {reason.severity for reason in self.reasons}
        if REFUSED in severities:
            return "refused"
        if WARNING in severities:
            return "warning"
        return ACCEPTED

    @property
    def allowed(self) -> bool:
        return self.status != REFUSED

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(reason.rule for reason in self.reasons)

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(reason.message for reason in self.reasons)

    @property
    def warnings(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.severity == WARNING)

    @property
    def refusals(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.severity == REFUSED)

    @classmethod
    def accept(cls) -> Decision:
        return cls(())

    @classmethod
    def refuse(cls, rule: str, message: str) -> Decision:
        return cls((Reason(rule, REFUSED, message),))

    @classmethod
    def warn(cls, rule: str, message: str) -> Decision:
        return cls((Reason(rule, WARNING, message),))

    @classmethod
    def combine(cls, *decisions: Decision) -> Decision:
        """All reasons of ``decisions``, in order (duplicates removed)."""
        reasons: list[Reason] = []
        for decision in decisions:
            reasons.extend(r for r in decision.reasons if r not in reasons)
        return cls(tuple(reasons))


@dataclass(frozen=True)
class CampaignFacts:
    """What the rules need to know about a campaign (built by the caller from the database)."""

    mode: str
    election_kind: str
    population: int | None
    round1: date
    filing_date: date | None = None
    collection_start: date | None = None
    mandataire_declared: bool = False
    #: MAND-1: the day the mandataire was declared (no gift may be dated before it).
    mandataire_declared_on: date | None = None
    candidate_name: str = ""
    colistiers: tuple[str, ...] = ()
    spending_cap_cents: int | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"Mode de campagne inconnu « {self.mode} » : {', '.join(MODES)}.")
        if self.election_kind not in ELECTION_KINDS:
            raise ValueError(f"Type d'élection inconnu « {self.election_kind} ».")


@dataclass(frozen=True)
class Donor(Identity):
    """A donor as declared on the form (the R39-1 identity) and what the rules need to know
    besides — DON-1, DON-3, DON-6, DON-10."""

    natural_person: bool = True
    attests_eligibility: bool = False
    card_country: str | None = None

    @property
    def is_french(self) -> bool:
        return is_french_national(self.nationalite)

    @property
    def lives_in_france(self) -> bool:
        return is_france(self.pays)


#: Donor of an anonymous meeting collection (quête, DON-17): identity rules do not apply.
ANONYMOUS_DONOR = Donor(nom="Quête anonyme")


@dataclass(frozen=True)
class Gift:
    """One gift: amount in cents, date, payment method (PAYMENT_METHODS) and donor."""

    amount_cents: int
    on: date
    method: str
    donor: Donor = field(default=ANONYMOUS_DONOR)

    def __post_init__(self) -> None:
        if isinstance(self.amount_cents, bool) or not isinstance(self.amount_cents, int):
            raise MoneyError("Le montant d'un don doit être un nombre entier de centimes.")
        if self.amount_cents <= 0:
            raise MoneyError("Le montant d'un don doit être supérieur à zéro.")
        if self.method not in PAYMENT_METHODS:
            raise ValueError(
                f"Moyen de paiement inconnu « {self.method} » : {', '.join(PAYMENT_METHODS)}."
            )


@dataclass(frozen=True)
class History:
    """Totals computed by the caller before this gift (cents, refunds deducted).

    ``donor_election_total_cents``: this donor, this election, every channel and site (DON-2).
    ``donor_year_total_cents``: this donor to parties in the gift's calendar year (PARTY-1).
    ``campaign_cash_total_cents``: cash gifts + quêtes already accepted by the campaign (DON-5).
    """

    donor_election_total_cents: int = 0
    donor_year_total_cents: int = 0
    campaign_cash_total_cents: int = 0
