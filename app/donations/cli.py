"""``estrade refunds …`` and ``estrade mail send``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select, update

from app.clitools import fail
from app.core.finance.money import format_cents
from app.extensions import db


@click.group("refunds")
def refunds_cli() -> None:
    """Remboursements aux donateurs (approbation du trésorier, article R39-1-1)."""


@refunds_cli.command("list")
@click.option("--site", "slug", help="Seulement les dons de ce site.")
@with_appcontext
def list_command(slug: str | None) -> None:
    """Remboursements proposés, approuvés et exécutés, avec montant, donateur et motif."""
    from app.campaigns.models import Site
    from app.donations.refunds import list_requests

    if slug and db.session.scalar(select(Site.id).where(Site.slug == slug)) is None:
        fail(f"Site inconnu « {slug} » (voir « estrade sites list »).")
    rows = list_requests(slug)
    if not rows:
        click.echo("Aucun remboursement proposé.")
        return
    for row in rows:
        click.echo(f"n° {row.id} — {row.status_label} — {format_cents(row.amount_cents)} — "
                   f"{row.donor} — site {row.site_slug} — proposé le "
                   f"{row.created_at.strftime('%d/%m/%Y')}")
        click.echo(f"    motif : {row.reason}")
        if row.charge_id:
            click.echo(f"    paiement Stripe : {row.charge_id}"
                       + (f" ; remboursement : {row.stripe_refund_id}"
                          if row.stripe_refund_id else ""))
        if row.last_error and row.status != "executed":
            click.echo(f"    dernière erreur : {row.last_error}")
    pending = [r for r in rows if r.status not in ("executed", "cancelled")]
    click.echo(f"{len(rows)} demandes, {len(pending)} en attente "
               f"({format_cents(sum(r.amount_cents for r in pending))}). Approuver : "
               "« estrade refunds approve ID --by EMAIL ».")


@refunds_cli.command("approve")
@click.argument("request_id", type=int)
@click.option("--by", "by_email", required=True,
              help="E-mail du trésorier ou de l'administrateur qui approuve.")
@with_appcontext
def approve_command(request_id: int, by_email: str) -> None:
    """Approuve un remboursement et l'exécute par Stripe, une seule fois."""
    from app.donations.refunds import RefundApprovalError, approve

    try:
        result = approve(request_id, by_email)
    except RefundApprovalError as exc:
        fail(str(exc))
    click.echo(result.message)


@click.group("mail")
def mail_cli() -> None:
    """Courriels en attente (confirmations de don)."""


@mail_cli.command("send")
@click.option("--limit", default=50, show_default=True, help="Nombre maximal de courriels.")
@with_appcontext
def send_command(limit: int) -> None:
    """Envoie (ou réessaie) les courriels en attente par SMTP (ESTRADE_MAIL_SERVER)."""
    from app.mail import MAX_ATTEMPTS, OutgoingMail, send_pending

    sent, failed = send_pending(limit=limit)
    left = db.session.scalar(select(func.count(OutgoingMail.id)).where(
        OutgoingMail.sent_at.is_(None))) or 0
    given_up = db.session.scalar(select(func.count(OutgoingMail.id)).where(
        OutgoingMail.sent_at.is_(None), OutgoingMail.attempts >= MAX_ATTEMPTS)) or 0
    click.echo(f"{sent} courriel(s) envoyé(s), {failed} échec(s), {left} en attente"
               + (f" (dont {given_up} abandonné(s) après {MAX_ATTEMPTS} essais)"
                  if given_up else "") + ".")
    if failed:
        raise SystemExit(1)


@click.group("webhooks")
def webhooks_cli() -> None:
    """Événements Stripe reçus et pas encore enregistrés (ESTRADE_WEBHOOK_INBOX)."""


@webhooks_cli.command("drain")
@click.option("--batch", default=50, show_default=True, help="Événements par transaction.")
@click.option("--now", "retry_now", is_flag=True,
              help="Réessaie aussi tout de suite les événements en attente de nouvel essai "
                   "(après une panne de Stripe ou de la base).")
@with_appcontext
def drain_command(batch: int, retry_now: bool) -> None:
    """Enregistre au registre les événements Stripe de la boîte de réception, une seule fois
    chacun ; dit ce qui reste et pourquoi."""
    from flask import current_app

    from app.dbutil import transaction
    from app.donations.inbox import drain, pending_count
    from app.donations.models import WebhookInboxRow

    if retry_now:
        with transaction():
            db.session.execute(update(WebhookInboxRow).values(next_attempt_at=None,
                                                              claimed_until=None))
    report = drain(current_app._get_current_object(), limit=max(1, batch))  # type: ignore
    left = pending_count()
    click.echo(f"{report.booked} événement(s) enregistré(s), {report.already} déjà traité(s), "
               f"{report.acknowledged} inconnu(s) de Stripe (acquitté(s)), {report.retried} à "
               f"réessayer ; {left} en attente.")
    for row in db.session.scalars(select(WebhookInboxRow).where(
            WebhookInboxRow.attempts > 0).order_by(WebhookInboxRow.received_at).limit(20)):
        when = (f"prochain le {row.next_attempt_at:%d/%m/%Y %H:%M:%S} UTC"
                if row.next_attempt_at else "prochain essai dès maintenant")
        click.echo(f"    {row.id} ({row.type}) : {row.attempts} essai(s), {when} — "
                   f"{row.last_error or ''}")
    if report.retried:
        raise SystemExit(1)


def register(cli: click.Group) -> None:
    cli.add_command(refunds_cli)
    cli.add_command(mail_cli)
    cli.add_command(webhooks_cli)
