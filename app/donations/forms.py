"""The public donation form: R39-1 identity, DON-1/DON-13 attestations, GDPR-1 consent."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Regexp, ValidationError

from app.core.finance.identity import Identity
from app.core.finance.money import MoneyError, parse_amount
from app.donations.consent import NEWSLETTER_TEXT
from app.forms import LazyText, identity_fields, identity_of, lazy_text

OTHER = "autre"
SOURCE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
MIN_CENTS = 100


def _l(string: str, **variables: Any) -> LazyText:
    """Lazy translation (French msgid), evaluated in the request's locale when rendered."""
    return lazy_text(string, **variables)


class DonationForm(FlaskForm):
    montant = RadioField(_l("Montant de votre don"), choices=[], validate_choice=False,
                         validators=[InputRequired(_l("Choisissez un montant."))])
    montant_libre = StringField(_l("Autre montant (en euros)"), validators=[Length(max=20)])
    frequence = RadioField(_l("Fréquence"), choices=[SelectChoice("unique", _l("Une seule fois")),
                                                     SelectChoice("mensuel", _l("Chaque mois"))],
                           default="unique")
    locals().update(identity_fields("donor"))  # R39-1: civilité, nom, prénom, adresse…
    email = EmailField(_l("Adresse e-mail"), validators=[
        DataRequired(_l("Indiquez votre adresse e-mail.")),
        Email(_l("Cette adresse e-mail n'est pas valide."), check_deliverability=False)])
    atteste_personne_physique = BooleanField(_l(
        "Je certifie être une personne physique, de nationalité française ou résidant en "
        "France (article L. 52-8 du code électoral)."))
    atteste_fonds_personnels = BooleanField(_l(
        "Je certifie que ce don provient de mes fonds personnels et que je suis titulaire du "
        "moyen de paiement utilisé."))
    atteste_plafond = BooleanField(_l(
        "Je certifie que le total de mes dons à l'ensemble des candidats à cette élection "
        "n'excède pas 4 600 €, tous moyens de paiement confondus."))
    newsletter = BooleanField(_l(NEWSLETTER_TEXT))  # GDPR-1: its version is kept with it
    confirme_personnel = BooleanField(_l(
        "Je confirme donner à titre personnel, avec mes propres fonds, et non au nom d'une "
        "entreprise, d'une association ou d'une autre personne morale."))
    source = HiddenField(validators=[Regexp(r"^[A-Za-z0-9_.-]{0,64}$")])

    ATTESTATIONS = ("atteste_personne_physique", "atteste_fonds_personnels", "atteste_plafond")

    def identity(self) -> Identity:
        return identity_of(self)

    def set_presets(self, presets_euros: list[int]) -> None:
        choices = [SelectChoice(str(p), gettext("%(euros)s €", euros=p)) for p in presets_euros]
        choices.append(SelectChoice(OTHER, gettext("Autre montant")))
        self.montant.choices = choices

    def prefill(self, args: Any, presets_euros: list[int]) -> None:
        """``/don?montant=50&mensuel=1&source=tract-marche`` style links."""
        wanted = args.get("montant", "")
        if wanted:
            try:
                cents = parse_amount(wanted)
            except MoneyError:
                cents = 0
            if cents and cents % 100 == 0 and cents // 100 in presets_euros:
                self.montant.data = str(cents // 100)
            elif cents:
                self.montant.data = OTHER
                self.montant_libre.data = wanted
        if args.get("mensuel") in {"1", "oui", "true"}:
            self.frequence.data = "mensuel"
        source = args.get("source", "")
        if SOURCE_RE.match(source):
            self.source.data = source

    def amount_cents(self) -> int:
        """The amount in cents, from our own form fields only (never a client total)."""
        choice = self.montant.data or ""
        if choice == OTHER:
            return parse_amount(self.montant_libre.data or "")
        if choice.isdigit() and any(choice == c.value for c in self.montant.choices):
            return int(choice) * 100
        raise MoneyError(gettext(
            "Choisissez un montant dans la liste ou indiquez un autre montant."))

    def validate_montant_libre(self, field: StringField) -> None:
        if self.montant.data != OTHER:
            return
        if not (field.data or "").strip():
            raise ValidationError(gettext("Indiquez le montant de votre don."))
        try:
            cents = parse_amount(field.data)
        except MoneyError as exc:
            raise ValidationError(str(exc)) from None
        if cents < MIN_CENTS:
            raise ValidationError(gettext("Le don minimum est de 1 €."))

    def check_attestations(self, party_mode: bool) -> bool:
        ok = True
        required = [a for a in self.ATTESTATIONS if not (party_mode and a == "atteste_plafond")]
        for name in required:
            field = getattr(self, name)
            if not field.data:
                field.errors = [*field.errors, gettext(
                    "Cette attestation est obligatoire pour donner "
                    "(article L. 52-8 du code électoral).")]
                ok = False
        return ok
