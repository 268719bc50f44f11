"""The treasurer's form for money received outside the website (cheque, transfer, cash…)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.core.finance.money import MoneyError, parse_amount
from app.core.finance.vocabulary import PAYMENT_METHODS
from app.forms import identity_fields

METHOD_CHOICES = [SelectChoice(mode, label) for mode, label in PAYMENT_METHODS.items()
                  if mode != "carte"]  # card gifts arrive through Stripe, booked by the webhook


def _named_gift_field(form: FlaskForm, field: StringField) -> None:
    """R39-1 identity, required for every gift except an anonymous collection (DON-17)."""
    if form.method.data != "quete" and not (field.data or "").strip():
        raise ValidationError(_l("Obligatoire pour un don nominatif."))


def _amount(form: FlaskForm, field: StringField) -> None:
    """Integer cents from "1 234,56" (app.core.finance.money); the French message otherwise."""
    try:
        form.amount_cents = parse_amount(field.data or "")
    except MoneyError as exc:
        raise ValidationError(str(exc)) from None


class OfflineGiftForm(FlaskForm):
    """One gift as the mandataire records it from the paper form (R39-1 identity)."""

    amount_cents = 0  # set by the amount's validator

    token = HiddenField(validators=[Length(min=16, max=64, message=_l(
        "Le formulaire a expiré : rechargez la page. Rien n'a été enregistré."))])
    # ``token`` makes a double submission of this form book once.
    campaign = SelectField(_l("Campagne"), coerce=int, choices=[])
    on = DateField(_l("Date de réception"),
                   validators=[InputRequired(_l("Indiquez la date de réception."))])
    method = SelectField(_l("Mode de paiement"), choices=METHOD_CHOICES)
    amount = StringField(_l("Montant (en euros)"), validators=[
        DataRequired(_l("Indiquez le montant.")), Length(max=30), _amount],
        description=_l("Par exemple 150 ou 1 234,56. Pour un don en nature, sa valeur."))
    # R39-1 identity, required except for an anonymous collection (DON-17).
    locals().update(identity_fields("treasurer", required=_named_gift_field))
    natural_person = BooleanField(_l("Le donateur est une personne physique"))
    attested = BooleanField(
        _l("Le donateur a signé les attestations du formulaire de don (DON-1)"))
    reference = StringField(_l("Référence"), validators=[Optional(), Length(max=200)],
                            description=_l("Numéro de chèque, ligne du relevé bancaire, "
                                           "bordereau de remise…"))
    receipt_number = StringField(_l("N° du reçu-don CNCCFP"),
                                 validators=[Optional(), Length(max=50)],
                                 description=_l("Seulement s'il est déjà connu (DON-11)."))
