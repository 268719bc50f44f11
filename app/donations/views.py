"""The public donation pages: /don, the demonstration payment page and the thank-you page."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup

from app.access import public
from app.core.finance.eligibility import company_markers
from app.core.finance.identity import IDENTITY_FIELDS
from app.core.finance.money import MoneyError, format_cents
from app.dbutil import transaction
from app.donations.booking import subscription_end_timestamp
from app.donations.consent import text_version
from app.donations.forms import DonationForm
from app.donations.limits import per_address, per_identity
from app.donations.models import Donation
from app.donations.service import DonationRequest, collection_state, reserve
from app.donations.stripe import GATEWAY_EXTENSION, open_gateway
from app.donations.stripe.demo import demo_for
from app.extensions import db
from app.ledger.gifts import DonorIdentity
from app.timeutil import paris_today

log = logging.getLogger(__name__)
bp = Blueprint("donations", __name__, template_folder="templates")
DEFAULT_PRESETS = [20, 50, 100, 250]
TAX_REDUCTION_PERCENT = 66  # TAX-1 (CGI art. 200)


def demo() -> bool:
    """Demonstration payments for this visitor: enabled, no Stripe key, and a visitor on this
    machine (never on a public host name)."""
    return demo_for(current_app.config, request.host)


def newsletter_offered() -> bool:
    """Whether the campaign sends news by e-mail (ESTRADE_NEWSLETTER): the form then offers
    the opt-in box, and the privacy notice names the purpose."""
    return bool(current_app.config.get("ESTRADE_NEWSLETTER", True))


def payments_available() -> bool:
    """Stripe is configured, or this visitor may try the demonstration."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY")) or demo() or \
        current_app.extensions.get(GATEWAY_EXTENSION) is not None


NO_PAYMENT = ("Le paiement en ligne n'est pas encore disponible sur ce site : la campagne n'a "
              "pas terminé sa configuration. Aucun paiement n'a été demandé. Vous pouvez "
              "donner par chèque à l'ordre du mandataire financier.")


def _site_renderer() -> Any:
    """The site's renderer, built once per request (theme, settings, media signature)."""
    if "site_renderer" not in g:
        from app.website.views import renderer

        g.site_renderer = renderer()
    return g.site_renderer


#: Stripe Checkout is reached by a redirect after our form is posted: CSP form-action must
#: allow it, or the browser blocks the redirect.
CHECKOUT_ORIGIN = "https://checkout.stripe.com"


def _respond(title: str, path: str, content: str, *, status: int = 200,
             description: str = "") -> Any:
    """Render app-made content inside the site's theme, with the DON-9 legal block."""
    site_renderer = _site_renderer()
    output = site_renderer.render_app_page(title, path, content, description=description,
                                           status=status, form_origins=(CHECKOUT_ORIGIN,))
    response = current_app.response_class(output.body, status=output.status,
                                          mimetype="text/html")
    response.headers["Content-Security-Policy"] = output.csp + "; frame-ancestors 'none'"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _presets(site_renderer: Any) -> list[int]:
    presets = list(site_renderer.content.config.donation_presets or [])
    return [p for p in presets if isinstance(p, int) and 0 < p <= 4600] or DEFAULT_PRESETS


def _tax_applies(campaign: Any) -> bool:
    """TAX-1: the 66 % reduction needs a CNCCFP receipt: never in small-commune mode."""
    return campaign is not None and campaign.mode != "petite-commune"


def _form_page(form: DonationForm, *, status: int = 200, refusal: str = "",
               company_warning: str = "") -> Any:
    from app.website.views import current_site

    site = current_site()
    campaign = site.campaign
    is_open, closed_reason = collection_state(campaign, paris_today())
    if is_open and not payments_available():
        is_open, closed_reason = False, gettext(NO_PAYMENT)
    content = render_template(
        "donations/form.html", form=form, open=is_open, closed_reason=closed_reason,
        refusal=refusal, company_warning=company_warning, campaign=campaign,
        identity_fields=IDENTITY_FIELDS,
        tax=_tax_applies(campaign),
        tax_percent=TAX_REDUCTION_PERCENT, party=campaign is not None and campaign.mode == "parti",
        demo=demo(), newsletter=newsletter_offered(),
        abandoned_days=current_app.config["ESTRADE_RETENTION_ABANDONED_DAYS"])
    return _respond(gettext("Faire un don"), "/don", content, status=status,
                    description=gettext("Soutenez la campagne par un don en ligne sécurisé."))


@bp.errorhandler(429)
def too_many(error: Exception) -> Any:
    """The rate limits of POST /don (app.donations.limits), answered in the site's look. One
    message for both limits: it names no one and says nothing of anyone's giving."""
    message = gettext("Trop de tentatives de don en peu de temps : patientez quelques minutes, "
                      "puis réessayez. Aucun paiement n'a été effectué. Vous pouvez aussi "
                      "donner par chèque à l'ordre du mandataire financier.")
    content = render_template("donations/closed.html", title=gettext("Veuillez patienter"),
                              message=message)
    return _respond(gettext("Faire un don"), "/don", Markup(content), status=429)


@bp.route("/don", methods=["GET", "POST"])
@public
@per_address
@per_identity
def donate() -> Any:
    """The donation form. Whatever a visitor posts, the answer (status, page, next step)
    depends on that gift alone, never on what anyone gave before (service.reserve)."""
    from app.website.views import current_site

    site = current_site()
    form = DonationForm()
    presets = _presets(_site_renderer())
    form.set_presets(presets)
    if request.method != "POST":  # GET and HEAD
        form.prefill(request.args, presets)
        return _form_page(form)
    if not payments_available():
        return _form_page(form, status=503)
    campaign = site.campaign
    party = campaign is not None and campaign.mode == "parti"
    valid = form.validate()
    attested = form.check_attestations(party)
    if not (valid and attested):
        return _form_page(form, status=422)
    try:
        amount = form.amount_cents()
    except MoneyError as exc:
        form.montant.errors = [str(exc)]
        return _form_page(form, status=422)
    markers = company_markers(form.nom.data, form.prenom.data)
    if markers and not form.confirme_personnel.data:
        # DON-3: legal persons cannot give; a company-like name is confirmed before payment.
        return _form_page(form, status=422, company_warning=gettext(
            "Le nom indiqué contient « %(markers)s », qui évoque une entreprise ou une "
            "association. Les personnes morales ne peuvent pas financer une campagne "
            "électorale (article L. 52-8 du code électoral) : seul un don personnel est "
            "possible. Cochez la case de confirmation ci-dessous pour continuer.",
            markers=", ".join(markers)))
    identity = DonorIdentity(**form.identity().as_dict(), email=form.email.data.strip(),
                             natural_person=True, attests_eligibility=True)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    attestations = {name: now for name in form.ATTESTATIONS if getattr(form, name).data}
    newsletter = newsletter_offered() and bool(form.newsletter.data)
    if newsletter:  # GDPR-1: when and which wording, recorded as a consent once paid
        attestations["newsletter"] = now
        attestations["newsletter_text_version"] = text_version()
    with transaction():
        reservation = reserve(site, DonationRequest(
            identity=identity, amount_cents=amount, monthly=form.frequence.data == "mensuel",
            email=form.email.data.strip(), source=form.source.data or None,
            newsletter=newsletter, attestations=attestations,
            client_ip=request.remote_addr))
        if reservation.donation is not None and demo():
            reservation.donation.demo = True
    if reservation.donation is None:
        return _form_page(form, status=422, refusal=reservation.message)
    return _start_payment(reservation.donation)


def _start_payment(donation: Donation) -> Any:
    """Open the Checkout Session of a reserved donation (outside any database lock)."""
    if donation.demo:
        return redirect(url_for("donations.demo_payment", donation_id=donation.id), 303)
    base = _site_renderer().options.base_url  # the site's base_url, or its declared host
    stripe_gateway, owned = open_gateway(current_app._get_current_object())  # type: ignore[attr-defined]
    try:
        session = stripe_gateway.create_checkout_session(
            donation_id=donation.id, amount_cents=donation.amount_cents,
            monthly=donation.monthly, donor_email=donation.email,
            description=gettext("Don à la campagne de %(candidate)s",
                                candidate=donation.campaign.candidate_name),
            success_url=f"{base}{url_for('donations.thanks', donation_id=donation.id)}",
            cancel_url=f"{base}{url_for('donations.donate')}",
            cancel_at=(subscription_end_timestamp(donation.subscription_end_at)
                       if donation.subscription_end_at else None),
            metadata={"site": donation.site.slug, "source": donation.source or ""},
            expires_at=int(donation.expires_at.replace(tzinfo=UTC).timestamp()))
    except Exception:
        log.exception("Checkout Session creation failed for donation %s", donation.id)
        with transaction():
            donation.status = "failed"  # releases the cap reservation
        form = DonationForm()
        form.set_presets(_presets(_site_renderer()))
        return _form_page(form, status=503, refusal=gettext(
            "Le service de paiement ne répond pas pour le moment : aucun paiement n'a été "
            "effectué. Réessayez dans quelques minutes."))
    finally:
        if owned:
            stripe_gateway.close()
    with transaction():
        donation.checkout_session_id = session.id
    return redirect(session.url, 303)


def _donation_or_404(donation_id: str) -> Donation:
    from app.website.views import current_site

    donation = db.session.get(Donation, donation_id)
    if donation is None or donation.site_id != current_site().id:
        abort(404)
    return donation


@bp.route("/don/demo/<donation_id>", methods=["GET", "POST"])
@public
def demo_payment(donation_id: str) -> Any:
    """Demonstration mode only: a local stand-in for Stripe Checkout."""
    if not demo():
        abort(404)
    donation = _donation_or_404(donation_id)
    if request.method == "POST":
        from flask_wtf.csrf import validate_csrf
        from wtforms import ValidationError

        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            abort(400)
        if donation.status == "pending":
            from app.donations.demo_payment import simulate_payment

            app = current_app._get_current_object()  # type: ignore[attr-defined]
            simulate_payment(app, donation)
        return redirect(url_for("donations.thanks", donation_id=donation.id), 303)
    content = render_template("donations/demo.html", donation=donation,
                              amount=format_cents(donation.amount_cents))
    return _respond(gettext("Paiement de démonstration"), f"/don/demo/{donation.id}", content)


@bp.route("/don/merci/<donation_id>")
@public
def thanks(donation_id: str) -> Any:
    donation = _donation_or_404(donation_id)
    db.session.refresh(donation)
    content = render_template("donations/thanks.html", donation=donation,
                              amount=format_cents(donation.amount_cents),
                              tax=_tax_applies(donation.campaign),
                              tax_percent=TAX_REDUCTION_PERCENT, campaign=donation.campaign)
    return _respond(gettext("Merci pour votre don"), f"/don/merci/{donation.id}", Markup(content))
