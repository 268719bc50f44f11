"""The donor's identity the law asks for (CE R39-1, DON-10), declared once.

Every place that collects, stores, shows or exports a donor's identity (the /don form, the
treasurer's form, the Donor and Donation rows, the CSV import, the donor export, the e-mails)
reads :data:`IDENTITY_FIELDS`, and moves an identity around as an :class:`Identity`.

Labels are French msgids: the web forms translate them through Flask-Babel (``N_`` only marks
them for ``pybabel extract -k N_``); exports and the ledger stay in French.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core.finance.donors import donor_key


def N_(text: str) -> str:
    """Marks a msgid for extraction; translation happens where it is shown."""
    return text


@dataclass(frozen=True)
class IdentityField:
    """One R39-1 field: its name everywhere (form field, column, CSV header, dict key)."""

    name: str
    label: str  # for the treasurer, exports and mails: « Adresse du domicile fiscal »
    ask: str  # on the public form, to the donor: « Adresse de votre domicile fiscal »
    missing: str  # the donor's form message when it is empty
    max_length: int
    required: bool = True
    default: str = ""
    autocomplete: str = ""  # the HTML autocomplete token of the donor's form
    inputmode: str = ""
    short: bool = False  # a narrow input (civilité, code postal)


#: R39-1 order (the order of the donor list annexed to the account, REP-1).
IDENTITY_FIELDS: tuple[IdentityField, ...] = (
    IdentityField("civilite", N_("Civilité"), N_("Civilité"), "", 20, required=False,
                  autocomplete="honorific-prefix", short=True),
    IdentityField("nom", N_("Nom"), N_("Nom"), N_("Indiquez votre nom."), 200,
                  autocomplete="family-name"),
    IdentityField("prenom", N_("Prénom"), N_("Prénom"), N_("Indiquez votre prénom."), 200,
                  autocomplete="given-name"),
    IdentityField("adresse", N_("Adresse du domicile fiscal"),
                  N_("Adresse de votre domicile fiscal"),
                  N_("Indiquez l'adresse de votre domicile fiscal."), 400,
                  autocomplete="address-line1"),
    IdentityField("code_postal", N_("Code postal"), N_("Code postal"),
                  N_("Indiquez votre code postal."), 20, autocomplete="postal-code",
                  inputmode="numeric", short=True),
    IdentityField("commune", N_("Commune"), N_("Commune"), N_("Indiquez votre commune."), 200,
                  autocomplete="address-level2"),
    IdentityField("pays", N_("Pays"), N_("Pays"),
                  N_("Indiquez votre pays de résidence fiscale."), 100, default="France",
                  autocomplete="country-name"),
    IdentityField("nationalite", N_("Nationalité"), N_("Nationalité"),
                  N_("Indiquez votre nationalité."), 100, default="Française"),
)
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in IDENTITY_FIELDS)
BY_NAME: dict[str, IdentityField] = {f.name: f for f in IDENTITY_FIELDS}
#: « Madame » / « Monsieur »: the values stored for ``civilite``.
CIVILITES: tuple[tuple[str, str], ...] = (("Mme", N_("Madame")), ("M.", N_("Monsieur")))


@dataclass(frozen=True)
class Identity:
    """A donor as declared: the R39-1 fields, text stripped of surrounding spaces."""

    civilite: str = ""
    nom: str = ""
    prenom: str = ""
    adresse: str = ""
    code_postal: str = ""
    commune: str = ""
    pays: str = ""
    nationalite: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | Any) -> Identity:
        """From a mapping (form data, CSV row, JSON) or any object with the attributes (a
        database row); missing or None values become ""."""
        get = data.get if isinstance(data, Mapping) else (lambda k: getattr(data, k, None))
        return cls(**{name: str(get(name) or "").strip() for name in FIELD_NAMES})

    def as_dict(self) -> dict[str, str]:
        """The R39-1 fields only (never a subclass's extras), in R39-1 order."""
        return {name: getattr(self, name) for name in FIELD_NAMES}

    @property
    def full_name(self) -> str:
        return f"{self.prenom} {self.nom}".strip()

    @property
    def key(self) -> str:
        """The exact-match key of one person (DON-2): normalised name, postcode, address."""
        return donor_key(self.nom, self.prenom, self.code_postal, self.adresse)
