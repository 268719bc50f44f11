"""DON-15 (CE L52-4 al. 2, L52-8): monthly gifts stop when collection ends. Setting the filing
date, or moving it earlier, after a donor subscribed must end their Stripe subscription at the
new end (the legal filing deadline, ACC-2, when no date is set), not leave each later payment
to be flagged for refund.

Run after ``estrade campaign load`` commits (``campaigns.service.notify_dates_changed``, which
the donations package registers): Stripe is called outside any transaction, then each
donation's end, months and reserved cap room are updated with an audit row, one transaction
per subscription. A subscription is never extended: the donor agreed to its end.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app import audit
from app.campaigns.models import Campaign
from app.core.finance.eligibility import collection_window
from app.dbutil import transaction
from app.donations.booking import subscription_end_timestamp
from app.donations.models import Donation
from app.donations.service import months_until
from app.donations.stripe import open_gateway
from app.extensions import db
from app.ledger.facts import campaign_facts
from app.timeutil import paris_today

log = logging.getLogger(__name__)

#: Monthly donations whose subscription may still charge the donor.
RUNNING = ("active", "processing")


def stop_at_collection_end(campaign_id: int) -> list[str]:
    """End every running subscription of the campaign that would charge past collection's
    end; returns a French line per subscription changed."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        return []
    _, end = collection_window(campaign_facts(campaign))
    if end is None:  # party mode: no collection window
        return []
    rows = db.session.execute(select(Donation.id, Donation.subscription_id,
                                     Donation.subscription_end_at).where(
        Donation.campaign_id == campaign_id, Donation.monthly.is_(True),
        Donation.subscription_id.is_not(None), Donation.status.in_(RUNNING))).all()
    db.session.rollback()  # no transaction held across Stripe calls
    new_end = datetime.combine(end, datetime.min.time())
    changed: list[str] = []
    gateway, owned = open_gateway(current_app._get_current_object())  # type: ignore[attr-defined]
    try:
        for donation_id, subscription_id, current_end in rows:
            if not subscription_id or (current_end is not None and current_end.date() <= end):
                continue
            if end < paris_today():
                gateway.cancel_subscription(subscription_id,
                                            idempotency_key=f"collection-end:{subscription_id}")
                what = "arrêté"
            else:
                gateway.schedule_subscription_end(subscription_id,
                                                  subscription_end_timestamp(new_end))
                what = f"arrêté le {end.strftime('%d/%m/%Y')}"
            with transaction():
                donation = db.session.get(Donation, donation_id)
                if donation is None:
                    continue
                donation.subscription_end_at = new_end
                donation.months = months_until(end, donation.created_at.date())
                donation.reserved_cents = max(donation.paid_cents,
                                              donation.amount_cents * donation.months)
                audit.record("donation.subscription_end", donation,
                             subscription=subscription_id, end=end.isoformat(), rule="DON-15")
            changed.append(f"Don mensuel {subscription_id} {what} : fin de la période de "
                           "collecte (DON-15).")
    finally:
        if owned:
            gateway.close()
    return changed
