"""``estrade treasury …``: the treasurer's bookings from the command line, the twins of the
forms under /admin/tresorerie (same actions, same refusals naming their rule)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.clitools import fail
from app.core.finance.money import MoneyError, parse_amount
from app.core.finance.vocabulary import EXPENSE_NATURES, LENDERS, PAYERS
from app.dbutil import transaction
from app.extensions import db

METHODS = click.Choice(["virement", "cheque", "prelevement", "carte", "especes"])


def _campaign(slug: str) -> Any:
    from app.ledger.cli import site_campaign

    return site_campaign(slug)


def _user(email: str) -> Any:
    from app.accounts.models import User

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        fail(f"Aucun compte pour {email}.")
    return user


def _cents(text: str) -> int:
    try:
        return parse_amount(text)
    except MoneyError as exc:
        fail(str(exc))
    raise AssertionError  # unreachable: fail() exits


def _run(action: Callable[[], Any]) -> None:
    from app.ledger.errors import LedgerError

    try:
        with transaction():
            booked = action()
    except LedgerError as exc:
        fail(f"Refusé, rien n'a été enregistré : {exc}")
    click.echo(booked.message + (f" (écriture n° {booked.entry.seq})"
                                 if not booked.duplicate else ""))
    for warning in booked.warnings:
        click.echo(f"    avertissement {warning}")


def common(function: Callable[..., Any]) -> Callable[..., Any]:
    function = click.option("--site", "slug", required=True, help="Identifiant du site.")(
        function)
    function = click.option("--by", "email", required=True,
                            help="E-mail du trésorier qui enregistre.")(function)
    return with_appcontext(function)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"Date invalide « {value} » : AAAA-MM-JJ attendu.")
    raise AssertionError


@click.group("treasury")
def treasury_cli() -> None:
    """Écritures hors Stripe : dépenses, apports, prêts, remboursements, corrections, reçus."""


@treasury_cli.command("expense")
@click.option("--amount", required=True, help="Montant en euros (« 1 234,56 »).")
@click.option("--on", "on", required=True, help="Date de la dépense (AAAA-MM-JJ).")
@click.option("--nature", type=click.Choice(sorted(EXPENSE_NATURES)), required=True,
              help="Rubrique du compte de campagne.")
@click.option("--supplier", required=True, help="Fournisseur.")
@click.option("--paid-by", type=click.Choice(sorted(PAYERS)), default="mandataire",
              show_default=True, help="Qui a payé (MAND-3).")
@click.option("--invoice", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="La facture (PDF, PNG ou JPEG).")
@click.option("--method", type=METHODS, default="virement", show_default=True)
@click.option("--reference", default="", help="Numéro de facture, ligne du relevé…")
@click.option("--override-reason", default="",
              help="Motif d'un dépassement du plafond des dépenses (CAP-3).")
@common
def expense_command(slug: str, email: str, amount: str, on: str, nature: str, supplier: str,
                    paid_by: str, invoice: Path, method: str, reference: str,
                    override_reason: str) -> None:
    """Enregistre une dépense et sa facture (MAND-3, CAP-3)."""
    from app.core.finance.bookkeeping import Expense
    from app.ledger.errors import LedgerError
    from app.ledger.invoices import store_invoice
    from app.treasury import actions

    campaign, user = _campaign(slug), _user(email)
    item = Expense(_cents(amount), _day(on), nature, supplier, paid_by)
    try:
        actions.require_treasurer(user, campaign)
        stored = store_invoice(campaign.id, invoice.name, invoice.read_bytes())
    except LedgerError as exc:
        fail(str(exc))
    _run(lambda: actions.expense(campaign, user, item, invoice=stored, method=method,
                                 reference=reference, override_reason=override_reason))


@treasury_cli.command("contribution")
@click.option("--kind", type=click.Choice(["apport", "parti"]), required=True,
              help="Apport personnel du candidat, ou contribution d'un parti.")
@click.option("--amount", required=True)
@click.option("--on", "on", required=True)
@click.option("--contributor", default="", help="Le parti (obligatoire pour « parti »).")
@click.option("--method", type=METHODS, default="virement", show_default=True)
@click.option("--reference", default="")
@common
def contribution_command(slug: str, email: str, kind: str, amount: str, on: str,
                         contributor: str, method: str, reference: str) -> None:
    """Apport personnel (DON-12) ou contribution d'un parti (DON-3)."""
    from app.treasury import actions

    campaign, user = _campaign(slug), _user(email)
    entry_kind = "personal_contribution" if kind == "apport" else "party_contribution"
    _run(lambda: actions.contribution(campaign, user, kind=entry_kind,
                                      amount_cents=_cents(amount), on=_day(on), method=method,
                                      contributor=contributor, reference=reference))


@treasury_cli.command("loan")
@click.option("--amount", required=True)
@click.option("--on", "on", required=True)
@click.option("--lender-kind", type=click.Choice(sorted(LENDERS)), required=True)
@click.option("--lender", required=True, help="Nom du prêteur.")
@click.option("--rate", default="0", show_default=True, help="Taux annuel en %.")
@click.option("--above-legal-rate", is_flag=True,
              help="Taux supérieur au taux de l'intérêt légal (LOAN-2 ne s'applique pas).")
@click.option("--schedule", "schedule", multiple=True, required=True,
              help="Une échéance AAAA-MM-JJ=MONTANT ; répéter pour chacune.")
@click.option("--method", type=METHODS, default="virement", show_default=True)
@common
def loan_command(slug: str, email: str, amount: str, on: str, lender_kind: str, lender: str,
                 rate: str, above_legal_rate: bool, schedule: tuple[str, ...],
                 method: str) -> None:
    """Enregistre un prêt et son échéancier (LOAN-1, LOAN-2 ; interdit de personnes
    physiques à la présidentielle, LOAN-3)."""
    from app.core.finance.bookkeeping import Loan
    from app.treasury import actions

    campaign, user = _campaign(slug), _user(email)
    steps = []
    for item in schedule:
        day, _, cents = item.partition("=")
        steps.append((_day(day), _cents(cents)))
    try:
        rate_bp = round(float(rate.replace(",", ".")) * 100)
    except ValueError:
        fail(f"Taux invalide « {rate} ».")
    item_loan = Loan(_cents(amount), _day(on), lender_kind, lender, rate_bp, above_legal_rate,
                     tuple(steps))
    _run(lambda: actions.loan(campaign, user, item_loan, method=method))


@treasury_cli.command("repay")
@click.argument("loan_seq", type=int)
@click.option("--amount", required=True)
@click.option("--on", "on", required=True)
@click.option("--method", type=METHODS, default="virement", show_default=True)
@common
def repay_command(loan_seq: int, slug: str, email: str, amount: str, on: str,
                  method: str) -> None:
    """Enregistre une échéance remboursée du prêt (écriture n° LOAN_SEQ)."""
    from app.treasury import actions

    campaign, user = _campaign(slug), _user(email)
    _run(lambda: actions.loan_repayment(campaign, user, loan_seq, amount_cents=_cents(amount),
                                        on=_day(on), method=method))


@treasury_cli.command("refund")
@click.argument("seq", type=int)
@click.option("--amount", required=True)
@click.option("--on", "on", required=True)
@click.option("--method", type=click.Choice(["virement", "cheque"]), required=True)
@click.option("--reference", default="", help="Numéro du chèque, référence du virement.")
@click.option("--reason", required=True, help="Pourquoi (DON-16 : dépassement, don interdit…).")
@common
def refund_command(seq: int, slug: str, email: str, amount: str, on: str, method: str,
                   reference: str, reason: str) -> None:
    """Remboursement au donateur hors Stripe, par virement ou chèque, du don n° SEQ."""
    from app.treasury import actions

    campaign, user = _campaign(slug), _user(email)
    _run(lambda: actions.offline_refund(campaign, user, seq, amount_cents=_cents(amount),
                                        on=_day(on), method=method, reference=reference,
                                        reason=reason))


@treasury_cli.command("reverse")
@click.argument("seq", type=int)
@click.option("--on", "on", required=True)
@click.option("--reason", required=True, help="Motif de la correction.")
@common
def reverse_command(seq: int, slug: str, email: str, on: str, reason: str) -> None:
    """Annule l'écriture n° SEQ par une écriture inverse (et ses contreparties)."""
    from app.treasury import actions

    campaign, user = _campaign(slug), _user(email)
    _run(lambda: actions.correction(campaign, user, seq, on=_day(on), reason=reason))


@treasury_cli.command("bounce")
@click.argument("seq", type=int)
@click.option("--on", "on", required=True)
@click.option("--reason", default="rejeté par la banque", show_default=True)
@common
def bounce_command(seq: int, slug: str, email: str, on: str, reason: str) -> None:
    """Chèque impayé : annule le don par chèque n° SEQ."""
    from app.treasury import actions

    campaign, user = _campaign(slug), _user(email)
    _run(lambda: actions.bounced_cheque(campaign, user, seq, on=_day(on), reason=reason))


@treasury_cli.group("receipts")
def receipts_cli() -> None:
    """Registre des reçus-dons (DON-11) : numéros délivrés, attribués, annulés."""


def _receipt(action: Callable[[], Any], message: str) -> None:
    from app.ledger.errors import LedgerError

    try:
        with transaction():
            action()
    except LedgerError as exc:
        fail(f"Refusé, rien n'a été enregistré : {exc}")
    click.echo(message)


@receipts_cli.command("issue")
@click.argument("first")
@click.argument("last")
@click.option("--finpol", is_flag=True, help="Numéros délivrés par Fin'Pol (sinon un carnet).")
@common
def receipts_issue_command(first: str, last: str, finpol: bool, slug: str, email: str) -> None:
    """Enregistre les numéros FIRST à LAST délivrés par la CNCCFP (carnet ou Fin'Pol)."""
    from app.treasury import actions

    campaign, user = _campaign(slug), _user(email)
    counted: list[int] = []
    _receipt(lambda: counted.append(actions.issue_receipts(
        campaign, user, first, last, source="finpol" if finpol else "carnet")),
        f"Numéros {first} à {last} enregistrés au registre des reçus.")


@receipts_cli.command("assign")
@click.argument("seq", type=int)
@click.argument("number")
@click.option("--on", "on", required=True, help="Date d'émission du reçu (AAAA-MM-JJ).")
@common
def receipts_assign_command(seq: int, number: str, on: str, slug: str, email: str) -> None:
    """Attribue le reçu NUMBER au don n° SEQ (un numéro ne sert qu'une fois)."""
    from app.treasury import actions

    campaign, user = _campaign(slug), _user(email)
    _receipt(lambda: actions.assign_receipt(campaign, user, seq, number, issued_on=_day(on)),
             f"Reçu {number} attribué au don n° {seq}.")


@receipts_cli.command("void")
@click.argument("number")
@click.option("--reason", required=True, help="Motif (reçu abîmé, perdu, don remboursé…).")
@common
def receipts_void_command(number: str, reason: str, slug: str, email: str) -> None:
    """Annule le reçu NUMBER (jamais réutilisé ; listé pour la CNCCFP)."""
    from app.treasury import actions

    campaign, user = _campaign(slug), _user(email)
    _receipt(lambda: actions.void_receipt(campaign, user, number, reason=reason),
             f"Reçu {number} annulé.")


@receipts_cli.command("list")
@common
def receipts_list_command(slug: str, email: str) -> None:
    """Dons sans reçu et numéros inutilisés (à rendre à la CNCCFP)."""
    from app.core.finance.money import format_cents
    from app.ledger.errors import LedgerError
    from app.ledger.receipts import gifts_without_receipt, register
    from app.treasury import actions

    campaign, user = _campaign(slug), _user(email)
    try:
        actions.require_treasurer(user, campaign)
    except LedgerError as exc:
        fail(str(exc))
    waiting = gifts_without_receipt(campaign.id)
    click.echo(f"Dons sans reçu : {len(waiting)}")
    for gift in waiting:
        who = gift.donor_snapshot or {}
        click.echo(f"    n° {gift.seq} du {gift.on:%d/%m/%Y} — {format_cents(gift.amount_cents)}"
                   f" — {who.get('prenom', '')} {who.get('nom', '')}".rstrip())
    state = register(campaign.id)
    unused = state.unused()
    click.echo(f"Numéros inutilisés : {len(unused)}" + (f" ({', '.join(unused[:20])}"
                                                         + (" …" if len(unused) > 20 else "")
                                                         + ")" if unused else ""))
    click.echo(f"Numéros annulés : {len(state.voided)}")
    for number, reason in state.voided.items():
        click.echo(f"    {number} : {reason}")


def register(cli: click.Group) -> None:
    cli.add_command(treasury_cli)


