"""The public donation form: R39-1 identity, DON-1/DON-13 attestations, GDPR-1 consent."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Regexp, ValidationError

from app.core.money import MoneyError, parse_amount

OTHER = "autre"
SOURCE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
MIN_CENTS = 100


def _required(label: str) -> DataRequired:
    return DataRequired(f"Indiquez {label}.")


class DonationForm(FlaskForm):
    montant = RadioField("Montant de votre don", choices=[], validate_choice=False,
                         validators=[InputRequired("Choisissez un montant.")])
    montant_libre = StringField("Autre montant (en euros)", validators=[Length(max=20)])
    frequence = RadioField("Fréquence", choices=[SelectChoice("unique", "Une seule fois"),
                                                 SelectChoice("mensuel", "Chaque mois")],
                           default="unique")
    civilite = SelectField("Civilité", choices=[SelectChoice("", "—"),
                                                SelectChoice("Mme", "Madame"),
                                                SelectChoice("M.", "Monsieur")], default="")
    prenom = StringField("Prénom", validators=[_required("votre prénom"), Length(max=200)])
    nom = StringField("Nom", validators=[_required("votre nom"), Length(max=200)])
    adresse = StringField("Adresse de votre domicile fiscal", validators=[
        _required("l'adresse de votre domicile fiscal"), Length(max=400)])
    code_postal = StringField("Code postal", validators=[
        _required("votre code postal"), Length(max=20)])
    commune = StringField("Commune", validators=[_required("votre commune"), Length(max=200)])
    pays = StringField("Pays", default="France", validators=[
        _required("votre pays de résidence fiscale"), Length(max=100)])
    nationalite = StringField("Nationalité", default="Française", validators=[
        _required("votre nationalité"), Length(max=100)])
    email = EmailField("Adresse e-mail", validators=[
        _required("votre adresse e-mail"),
        Email("Cette adresse e-mail n'est pas valide.", check_deliverability=False)])
    atteste_personne_physique = BooleanField(
        "Je certifie être une personne physique, de nationalité française ou résidant en "
        "France (article L. 52-8 du code électoral).")
    atteste_fonds_personnels = BooleanField(
        "Je certifie que ce don provient de mes fonds personnels et que je suis titulaire du "
        "moyen de paiement utilisé.")
    atteste_plafond = BooleanField(
        "Je certifie que le total de mes dons à l'ensemble des candidats à cette élection "
        "n'excède pas 4 600 €, tous moyens de paiement confondus.")
    newsletter = BooleanField(
        "J'accepte de recevoir des nouvelles de la campagne par e-mail (facultatif, "
        "désinscription à tout moment).")
    confirme_personnel = BooleanField(
        "Je confirme donner à titre personnel, avec mes propres fonds, et non au nom d'une "
        "entreprise, d'une association ou d'une autre personne morale.")
    source = HiddenField(validators=[Regexp(r"^[A-Za-z0-9_.-]{0,64}$")])

    ATTESTATIONS = ("atteste_personne_physique", "atteste_fonds_personnels", "atteste_plafond")

    def set_presets(self, presets_euros: list[int]) -> None:
        choices = [SelectChoice(str(p), f"{p} €") for p in presets_euros]
        choices.append(SelectChoice(OTHER, "Autre montant"))
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
        raise MoneyError("Choisissez un montant dans la liste ou indiquez un autre montant.")

    def validate_montant_libre(self, field: StringField) -> None:
        if self.montant.data != OTHER:
            return
        if not (field.data or "").strip():
            raise ValidationError("Indiquez le montant de votre don.")
        try:
            cents = parse_amount(field.data)
        except MoneyError as exc:
            raise ValidationError(str(exc)) from None
        if cents < MIN_CENTS:
            raise ValidationError("Le don minimum est de 1 €.")

    def check_attestations(self, party_mode: bool) -> bool:
        ok = True
        required = [a for a in self.ATTESTATIONS if not (party_mode and a == "atteste_plafond")]
        for name in required:
            field = getattr(self, name)
            if not field.data:
                field.errors = [*field.errors, "Cette attestation est obligatoire pour donner "
                                "(article L. 52-8 du code électoral)."]
                ok = False
        return ok
