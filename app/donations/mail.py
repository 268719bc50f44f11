"""Confirmation e-mails (French, plain text and HTML) through an SMTP queue.

A mail is queued (``OutgoingMail``) in the very transaction that books the gift and sent after
commit; a failure is only recorded (attempts, last error) and retried by ``estrade mail
send``: a mail problem never loses a donation. Without ``ESTRADE_MAIL_SERVER`` mail is only
logged and marked sent.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from jinja2 import Environment
from sqlalchemy import select, update

from app.campaigns.mentions import legal_text, mentions_for
from app.campaigns.models import Campaign
from app.core.finance.identity import Identity
from app.core.finance.money import format_cents
from app.core.finance.periods import format_date
from app.dbutil import transaction
from app.donations.models import Donation, OutgoingMail
from app.extensions import db
from app.ledger.models import LedgerEntry
from app.timeutil import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
SMTP_TIMEOUT_SECONDS = 10
DEMO_LABEL = "Mode démonstration — aucun paiement réel"

_HTML = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
{% if demo %}<p><strong>{{ demo }}</strong></p>{% endif %}
<p>{{ greeting }}</p>
<p>{{ intro }}</p>
<h2>Récapitulatif</h2>
<ul>{% for label, value in summary %}<li>{{ label }} : <strong>{{ value }}</strong></li>
{% endfor %}</ul>
<h2>Et ensuite ?</h2>
{% for paragraph in next_steps %}<p>{{ paragraph }}</p>{% endfor %}
<p>{{ closing }}</p>
{% if mentions %}<h2>Mentions légales relatives aux dons</h2>
<p>{{ mentions.intro }}</p>
<h3>Article L. 52-8 du code électoral (alinéas 1 à 3)</h3>
{% for paragraph in mentions.l52_8 %}<p>« {{ paragraph }} »</p>{% endfor %}
<h3>Article L. 113-1 du code électoral, III</h3>
<p>« {{ mentions.l113_1|join(' ') }} »</p>{% endif %}
</body></html>
""")


def confirmation_key(charge_id: str) -> str:
    return f"confirmation:{charge_id}"


def _beneficiary(campaign: Campaign) -> str:
    if campaign.list_name:
        return f"la liste « {campaign.list_name} » conduite par {campaign.candidate_name}"
    return campaign.candidate_name or campaign.site.title


def _next_steps(campaign: Campaign, monthly: bool) -> list[str]:
    if campaign.mode == "petite-commune":
        return ["Dans une commune de moins de 9 000 habitants, la campagne n'a pas de compte de "
                "campagne (article L. 52-4 du code électoral) : aucun reçu fiscal n'est délivré "
                "et ce don n'ouvre pas droit à une réduction d'impôt."]
    who = ("L'association de financement électorale" if campaign.mandataire_type == "AFE"
           else "Le mandataire financier")
    if campaign.mandataire_name:
        who += f", {campaign.mandataire_name},"
    steps = [f"{who} vous adressera un reçu-don : un formulaire numéroté de la Commission "
             "nationale des comptes de campagne et des financements politiques (CNCCFP). "
             "Signez-le et conservez-le : il justifie votre réduction d'impôt."
             + (" Il couvrira l'ensemble de vos versements mensuels." if monthly else ""),
             "Ce don ouvre droit à une réduction de l'impôt sur le revenu égale à 66 % de son "
             "montant, dans la limite de 20 % du revenu imposable (article 200 du code général "
             "des impôts).",
             "Ce message ne vaut pas reçu fiscal."]
    return steps


def compose(donation: Donation, entry: LedgerEntry, *, demo: bool = False,
            ) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the confirmation of one booked payment."""
    campaign: Campaign = donation.campaign
    amount = format_cents(entry.amount_cents)
    kind = "don mensuel" if donation.monthly else "don"
    subject = f"Merci pour votre {kind} de {amount} — {campaign.candidate_name or 'campagne'}"
    donor = Identity.from_mapping(donation)
    greeting = f"Bonjour {donor.full_name},"
    intro = (f"Nous avons bien reçu votre {kind} de {amount} le {format_date(entry.on)} pour la "
             f"campagne de {_beneficiary(campaign)} ({campaign.election.name}). Merci !")
    summary = [("Montant", amount), ("Date", format_date(entry.on)),
               ("Type", "don mensuel" if donation.monthly else "don ponctuel")]
    if donation.monthly:
        end = donation.subscription_end_at
        summary.append(("Fin des versements", (
            f"au plus tard le {format_date(end.date())}, fin de la période de collecte"
            if end else "à la fin de la période de collecte")))
    summary += [("Donateur", donor.full_name),
                ("Adresse", f"{donation.adresse}, {donation.code_postal} {donation.commune}"),
                ("Référence", donation.id)]
    steps = _next_steps(campaign, donation.monthly)
    closing = ("Une erreur dans ces informations ? Répondez simplement à ce message : elles "
               "figureront sur votre reçu.")
    legal = legal_text(campaign)
    lines = ([DEMO_LABEL, ""] if demo else []) + [greeting, "", intro, "", "Récapitulatif"]
    lines += [f"- {label} : {value}" for label, value in summary]
    lines += ["", "Et ensuite ?", *[f"{s}\n" for s in steps], closing]
    if legal:
        lines += ["", "Mentions légales relatives aux dons", legal]
    mentions = mentions_for(campaign)
    html = _HTML.render(subject=subject, demo=DEMO_LABEL if demo else "", greeting=greeting,
                        intro=intro, summary=summary, next_steps=steps, closing=closing,
                        mentions=mentions if legal and mentions else None)
    return subject, "\n".join(lines).strip() + "\n", html


def queue_confirmation(donation: Donation, entry_id: int, charge_id: str) -> str:
    """Queue the confirmation of one payment in the current transaction (once per charge)."""
    key = confirmation_key(charge_id)
    if db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.key == key)) is not None:
        return key
    entry = db.session.get(LedgerEntry, entry_id)
    assert entry is not None
    subject, text, html = compose(donation, entry,
                                  demo=donation.demo or charge_id.startswith("ch_demo_"))
    db.session.add(OutgoingMail(key=key, to=donation.email, subject=subject, text=text,
                                html=html))
    db.session.flush()
    return key


def _message(mail: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = mail.to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(idstring=mail.key.replace(":", "-"))
    message["Content-Language"] = "fr"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def deliver(mail: OutgoingMail) -> None:
    """Send one mail now (raises ``smtplib.SMTPException`` / ``OSError`` on failure)."""
    config = current_app.config
    server = str(config.get("ESTRADE_MAIL_SERVER") or "")
    message = _message(mail, str(config.get("ESTRADE_MAIL_SENDER")))
    if not server:
        log.info("mail not sent (no ESTRADE_MAIL_SERVER): to=%s subject=%s", mail.to,
                 mail.subject)
        return
    with smtplib.SMTP(server, int(config.get("ESTRADE_MAIL_PORT") or 25),
                      timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        smtp.send_message(message)


def send_pending(limit: int = 50, keys: Iterable[str] | None = None) -> tuple[int, int]:
    """Send queued mail (oldest first); returns (sent, failed). Each mail is claimed first,
    so two senders never send the same one; a failure is recorded for the next attempt."""
    query = (select(OutgoingMail.id, OutgoingMail.attempts)
             .where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
             .order_by(OutgoingMail.id).limit(limit))
    if keys is not None:
        wanted = list(keys)
        if not wanted:
            return 0, 0
        query = query.where(OutgoingMail.key.in_(wanted))
    rows = db.session.execute(query).all()
    db.session.commit()
    sent = failed = 0
    for mail_id, attempts in rows:
        with transaction():
            claimed = db.session.execute(  # type: ignore[attr-defined]
                update(OutgoingMail).where(OutgoingMail.id == mail_id,
                                           OutgoingMail.sent_at.is_(None),
                                           OutgoingMail.attempts == attempts)
                .values(attempts=attempts + 1)).rowcount
        if not claimed:
            continue
        mail = db.session.get(OutgoingMail, mail_id)
        assert mail is not None
        try:
            deliver(mail)
        except (smtplib.SMTPException, OSError) as exc:
            failed += 1
            log.warning("mail %s not sent (attempt %s): %s", mail.key, attempts + 1, exc)
            with transaction():
                mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            sent += 1
            with transaction():
                mail.sent_at = utcnow()
                mail.last_error = None
    return sent, failed
