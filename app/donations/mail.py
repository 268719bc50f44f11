"""Donation confirmation e-mails (French, plain text and HTML), queued with :mod:`app.mail`
in the very transaction that books the gift and sent after commit."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app, has_request_context, request
from jinja2 import Environment

from app.campaigns.mentions import legal_text, mentions_for
from app.campaigns.models import Campaign, Site
from app.core.finance.identity import Identity
from app.core.finance.money import format_cents
from app.core.finance.periods import format_date
from app.core.publishing.pages import ContentError
from app.core.publishing.site_config import load_site_config
from app.donations.models import Donation
from app.extensions import db
from app.ledger.locks import pin
from app.ledger.models import LedgerEntry
from app.mail import queue, unsubscribe_token

log = logging.getLogger(__name__)
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
{% for title, paragraphs in mentions.sections %}<h3>{{ title }}</h3>
{% for paragraph in paragraphs %}<p>« {{ paragraph }} »</p>{% endfor %}
{% endfor %}{% endif %}
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
             f"campagne de {_beneficiary(campaign)} ({campaign.election_name}). Merci !")
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


def public_base(site: Site) -> str:
    """The site's public address for links in mail: ``base_url`` of its site.toml, else its
    first declared host name (https), else the address of the current request."""
    try:
        base_url = _base_url(Path(current_app.config["ESTRADE_CONTENT_DIR"])
                             / site.content_dir / "site.toml")
        if base_url:
            return base_url.rstrip("/")
    except (OSError, ContentError):
        pass
    if site.host_names:
        scheme = request.scheme if has_request_context() else "https"
        return f"{scheme}://{site.host_names[0]}"
    return request.host_url.rstrip("/") if has_request_context() else ""


_BASE_URLS: dict[Path, tuple[tuple[int, int], str]] = {}


def _base_url(path: Path) -> str:
    """``base_url`` of a site.toml, read again only when the file changes (its size and
    modification time): parsing it for every confirmation cost ~1 ms of a booking."""
    info = path.stat()
    stamp = (info.st_mtime_ns, info.st_size)
    cached = _BASE_URLS.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    base_url = load_site_config(path).base_url or ""
    _BASE_URLS[path] = (stamp, base_url)
    return base_url


def unsubscribe_url(site: Site, email: str) -> str:
    """The link of every mail to a donor (GDPR-2): /desinscription/<token> on the site."""
    return f"{public_base(site)}/desinscription/{unsubscribe_token(site.id, email)}"


def queue_confirmation(donation: Donation, entry_id: int, charge_id: str) -> str:
    """Queue the confirmation of one payment in the current transaction (once per charge)."""
    key = confirmation_key(charge_id)
    # Called once per charge, when its gift is booked: queue() still keeps one mail per key.
    entry = db.session.get(LedgerEntry, entry_id)
    assert entry is not None
    # The site stays referenced for the transaction: a webhook batch (app.donations.inbox)
    # books many gifts of one site and would otherwise read its row again for each.
    pin(donation.site)
    subject, text, html = compose(donation, entry,
                                  demo=donation.demo or charge_id.startswith("ch_demo_"))
    return queue(key, donation.email, subject, text, html, site_id=donation.site_id,
                 unsubscribe_url=unsubscribe_url(donation.site, donation.email))
