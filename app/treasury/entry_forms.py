"""The treasurer's forms for entries Stripe cannot see, one per kind, declared once with the
action each books (:mod:`app.treasury.actions`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.core.finance.bookkeeping import Expense, Loan
from app.core.finance.money import MoneyError, parse_amount
from app.core.finance.vocabulary import EXPENSE_NATURES, LENDERS, PAYERS, PAYMENT_METHODS
from app.ledger.bookings import Booked
from app.ledger.errors import LedgerError
from app.ledger.invoices import store_invoice
from app.treasury import actions

MONEY_METHODS = [SelectChoice(m, PAYMENT_METHODS[m]) for m in ("virement", "cheque",
                                                             "prelevement", "carte", "especes")]


def choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in labels.items()]


def cents(field: Any) -> int:
    try:
        return parse_amount(field.data or "")
    except MoneyError as exc:
        raise ValidationError(str(exc)) from None


def _amount(form: FlaskForm, field: StringField) -> None:
    cents(field)


def amount_field() -> StringField:
    return StringField(_l("Montant (en euros)"), validators=[
        DataRequired(_l("Indiquez le montant.")), Length(max=30), _amount],
        description=_l("Par exemple 150 ou 1 234,56."))


def date_field(label: Any) -> DateField:
    return DateField(label, validators=[InputRequired(_l("Indiquez la date."))])


class EntryForm(FlaskForm):
    token = HiddenField(validators=[Length(min=16, max=64, message=_l(
        "Le formulaire a expiré : rechargez la page. Rien n'a été enregistré."))])

    def prepare(self, campaign: Any) -> None:
        """Choices that depend on the campaign (none by default)."""


class ExpenseForm(EntryForm):
    on = date_field(_l("Date de la dépense"))
    amount = amount_field()
    nature = SelectField(_l("Nature (rubrique du compte de campagne)"),
                         choices=choices(EXPENSE_NATURES))
    supplier = StringField(_l("Fournisseur"), validators=[DataRequired(), Length(max=200)])
    paid_by = SelectField(_l("Payé par (MAND-3)"), choices=choices(PAYERS))
    method = SelectField(_l("Mode de paiement"), choices=MONEY_METHODS, default="virement")
    reference = StringField(_l("Référence"), validators=[Optional(), Length(max=200)],
                            description=_l("Numéro de facture, ligne du relevé…"))
    invoice = FileField(_l("Facture (PDF, PNG ou JPEG)"),
                        validators=[FileRequired(_l("Joignez la facture."))])
    override_reason = StringField(
        _l("Motif d'un dépassement du plafond (CAP-3)"),
        validators=[Optional(), Length(max=500)],
        description=_l("Seulement pour enregistrer une dépense au-delà du plafond."))


class ContributionForm(EntryForm):
    kind = SelectField(_l("Nature"), choices=[
        SelectChoice("personal_contribution", _l("Apport personnel du candidat (DON-12)")),
        SelectChoice("party_contribution", _l("Contribution d'un parti (DON-3)"))])
    on = date_field(_l("Date de réception"))
    amount = amount_field()
    contributor = StringField(_l("Parti ou groupement politique"),
                              validators=[Optional(), Length(max=200)])
    method = SelectField(_l("Mode de paiement"), choices=MONEY_METHODS, default="virement")
    reference = StringField(_l("Référence"), validators=[Optional(), Length(max=200)])


def parse_schedule(text: str) -> tuple[tuple[date, int], ...]:
    """One repayment a line: ``AAAA-MM-JJ montant``."""
    steps = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        day, _, amount = line.strip().partition(" ")
        try:
            steps.append((date.fromisoformat(day), parse_amount(amount)))
        except (ValueError, MoneyError):
            raise ValidationError(_l("Ligne d'échéancier illisible : « %(line)s » (AAAA-MM-JJ "
                                     "montant attendu).", line=line.strip())) from None
    return tuple(steps)


def _schedule(form: FlaskForm, field: TextAreaField) -> None:
    parse_schedule(field.data or "")


class LoanForm(EntryForm):
    on = date_field(_l("Date du prêt"))
    amount = amount_field()
    lender_kind = SelectField(_l("Prêteur"), choices=choices(LENDERS))
    lender = StringField(_l("Nom du prêteur"), validators=[DataRequired(), Length(max=200)])
    rate = StringField(_l("Taux annuel (%)"), default="0", validators=[Length(max=10)])
    above_legal_rate = BooleanField(_l("Taux supérieur au taux de l'intérêt légal"))
    schedule = TextAreaField(_l("Échéancier"), validators=[DataRequired(), _schedule],
                             description=_l("Une échéance par ligne : AAAA-MM-JJ montant."))
    method = SelectField(_l("Mode de versement"), choices=MONEY_METHODS, default="virement")


class RepaymentForm(EntryForm):
    seq = IntegerField(_l("N° de l'écriture du prêt"), validators=[NumberRange(min=1)])
    on = date_field(_l("Date de l'échéance payée"))
    amount = amount_field()
    method = SelectField(_l("Mode de paiement"), choices=MONEY_METHODS, default="virement")


class RefundForm(EntryForm):
    seq = IntegerField(_l("N° de l'écriture du don"), validators=[NumberRange(min=1)])
    on = date_field(_l("Date du remboursement"))
    amount = amount_field()
    method = SelectField(_l("Mode"), choices=[SelectChoice("virement",
                                                           PAYMENT_METHODS["virement"]),
                                              SelectChoice("cheque", PAYMENT_METHODS["cheque"])])
    reference = StringField(_l("Numéro du chèque ou référence du virement"),
                            validators=[Optional(), Length(max=200)])
    reason = StringField(_l("Motif (DON-16)"), validators=[DataRequired(), Length(max=500)])


class ReversalForm(EntryForm):
    seq = IntegerField(_l("N° de l'écriture à annuler"), validators=[NumberRange(min=1)])
    on = date_field(_l("Date de l'annulation"))
    reason = StringField(_l("Motif"), validators=[DataRequired(), Length(max=500)])


def _book_expense(campaign: Any, form: Any, user: Any) -> Booked:
    upload = form.invoice.data
    invoice = store_invoice(campaign.id, upload.filename or "", upload.read())
    item = Expense(cents(form.amount), form.on.data, form.nature.data, form.supplier.data,
                   form.paid_by.data)
    return actions.expense(campaign, user, item, invoice=invoice, method=form.method.data,
                           reference=form.reference.data or "",
                           override_reason=form.override_reason.data or "",
                           token=form.token.data)


def _book_contribution(campaign: Any, form: Any, user: Any) -> Booked:
    return actions.contribution(campaign, user, kind=form.kind.data,
                                amount_cents=cents(form.amount), on=form.on.data,
                                method=form.method.data, contributor=form.contributor.data or "",
                                reference=form.reference.data or "", token=form.token.data)


def _book_loan(campaign: Any, form: Any, user: Any) -> Booked:
    try:
        rate_bp = round(float((form.rate.data or "0").replace(",", ".")) * 100)
    except ValueError:
        raise LedgerError("LOAN-1 — Taux illisible.") from None
    item = Loan(cents(form.amount), form.on.data, form.lender_kind.data, form.lender.data,
                rate_bp, bool(form.above_legal_rate.data), parse_schedule(form.schedule.data))
    return actions.loan(campaign, user, item, method=form.method.data, token=form.token.data)


def _book_repayment(campaign: Any, form: Any, user: Any) -> Booked:
    return actions.loan_repayment(campaign, user, form.seq.data, amount_cents=cents(form.amount),
                                  on=form.on.data, method=form.method.data,
                                  token=form.token.data)


def _book_refund(campaign: Any, form: Any, user: Any) -> Booked:
    return actions.offline_refund(campaign, user, form.seq.data, amount_cents=cents(form.amount),
                                  on=form.on.data, method=form.method.data,
                                  reference=form.reference.data or "", reason=form.reason.data,
                                  token=form.token.data)


def _book_reversal(campaign: Any, form: Any, user: Any) -> Booked:
    return actions.correction(campaign, user, form.seq.data, on=form.on.data,
                              reason=form.reason.data)


def _book_bounce(campaign: Any, form: Any, user: Any) -> Booked:
    return actions.bounced_cheque(campaign, user, form.seq.data, on=form.on.data,
                                  reason=form.reason.data)


@dataclass(frozen=True)
class EntrySpec:
    title: Any  # lazy French
    help: Any
    form: type[EntryForm]
    book: Callable[[Any, Any, Any], Booked]
    multipart: bool = False


ENTRY_FORMS: dict[str, EntrySpec] = {
    "depense": EntrySpec(_l("Dépense"), _l("Avec sa facture ; qui l'a payée (MAND-3) ; au-delà "
                                           "du plafond, seulement avec un motif (CAP-3)."),
                         ExpenseForm, _book_expense, multipart=True),
    "apport": EntrySpec(_l("Apport personnel ou contribution d'un parti"),
                        _l("L'apport du candidat n'est jamais un don : pas de reçu (DON-12)."),
                        ContributionForm, _book_contribution),
    "pret": EntrySpec(_l("Prêt"), _l("Avec son échéancier : cinq ans au plus d'une personne "
                                     "physique (LOAN-1), 18 mois au taux légal ou moins "
                                     "(LOAN-2)."), LoanForm, _book_loan),
    "echeance": EntrySpec(_l("Échéance de prêt remboursée"),
                          _l("Jamais plus que ce qui reste dû sur le prêt."),
                          RepaymentForm, _book_repayment),
    "remboursement": EntrySpec(_l("Remboursement à un donateur (virement, chèque)"),
                               _l("Solde les signalements DON-16 qu'il couvre."),
                               RefundForm, _book_refund),
    "annulation": EntrySpec(_l("Correction : annuler une écriture"),
                            _l("Une écriture inverse, jamais une modification ; ses "
                               "contreparties sont annulées avec elle (DON-18)."),
                            ReversalForm, _book_reversal),
    "cheque-impaye": EntrySpec(_l("Chèque impayé"),
                               _l("Le don par chèque est annulé ; le total du donateur suit."),
                               ReversalForm, _book_bounce),
}
