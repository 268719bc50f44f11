"""Current-shape Stripe objects for the events localstripe cannot emit.

localstripe never sends ``checkout.session.*``, ``charge.*``, ``refund.*``,
``charge.dispute.*`` or ``invoice.paid``, and answers in 2017-2023 shapes. These builders start
from Stripe's published fixtures (``stripe_shapes.json``: the needed subset of
``stripe/openapi`` ``fixtures3.json``) and overlay the ids, amounts and links of *real*
localstripe objects, so a handler that re-fetches from the API finds what the event names.

Typical use::

    pi = create_paid_payment_intent(stripe_gateway, 2500, metadata={"donation_id": "d1"})
    session = checkout_session_object(donation_id="d1", amount_cents=2500, payment_intent=pi)
    body, headers = signed_event("checkout.session.completed", session)
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.donations.stripe.gateway import CURRENCY, StripeGateway
from app.donations.stripe.shapes import id_of
from app.donations.stripe.signing import random_id

_SHAPES: dict[str, dict[str, Any]] = json.loads(
    Path(__file__).with_name("stripe_shapes.json").read_text(encoding="utf-8"))["resources"]


def shape(resource: str) -> dict[str, Any]:
    """A fresh copy of Stripe's example object for ``resource`` (e.g. "checkout.session")."""
    return copy.deepcopy(_SHAPES[resource])


def _created(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else int(time.time())


# -- real objects in localstripe -------------------------------------------------------------


def create_paid_payment_intent(gateway: StripeGateway, amount_cents: int, *,
                               metadata: Mapping[str, str] | None = None,
                               payment_method: str = "pm_card_visa") -> dict[str, Any]:
    """A succeeded PaymentIntent (with its charge and balance transaction) in localstripe."""
    created = gateway.client.v1.payment_intents.create(params={
        "amount": amount_cents, "currency": CURRENCY, "payment_method": payment_method,
        "confirm": True, "metadata": dict(metadata or {})})
    return gateway.retrieve_payment_intent(created.id)


def create_monthly_subscription(gateway: StripeGateway, amount_cents: int, *,
                                metadata: Mapping[str, str] | None = None,
                                email: str = "donateur@example.org",
                                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """An active monthly subscription and its paid first invoice (legacy Plans: localstripe
    has no Prices). Returns ``(subscription, invoice)`` as dicts."""
    v1 = gateway.client.v1
    product = v1.products.create(params={"name": "Don mensuel"})
    plan = v1.plans.create(params={"amount": amount_cents, "currency": CURRENCY,
                                   "interval": "month", "product": product.id})
    customer = v1.customers.create(params={"email": email})
    method = v1.payment_methods.create(params={"type": "card", "card": {
        "number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"}})
    v1.payment_methods.attach(method.id, params={"customer": customer.id})
    v1.customers.update(customer.id,
                        params={"invoice_settings": {"default_payment_method": method.id}})
    created = v1.subscriptions.create(params={"customer": customer.id,
                                              "items": [{"plan": plan.id}],
                                              "metadata": dict(metadata or {})})
    subscription = gateway.retrieve_subscription(created.id)
    invoice = gateway.retrieve_invoice(str(id_of(subscription["latest_invoice"])))
    return subscription, invoice


# -- current-shape objects -------------------------------------------------------------------


def balance_transaction_object(*, amount: int, source: str, fee: int = 0,
                               type: str = "charge", reporting_category: str = "charge",
                               created: int | None = None, txn_id: str | None = None,
                               ) -> dict[str, Any]:
    txn = shape("balance_transaction")
    txn.update(id=txn_id or random_id("txn_"), amount=amount, fee=fee, net=amount - fee,
               currency=CURRENCY, source=source, type=type,
               reporting_category=reporting_category, created=_created(created),
               available_on=_created(created), description=None,
               fee_details=[] if not fee else [{
                   "amount": fee, "application": None, "currency": CURRENCY,
                   "description": "Stripe processing fees", "type": "stripe_fee"}])
    return txn


def payout_object(*, amount: int, arrival_date: int, payout_id: str | None = None,
                  status: str = "paid", automatic: bool = True) -> dict[str, Any]:
    """An automatic payout to the campaign's bank account (localstripe's are fake)."""
    obj = shape("payout")
    obj.update(id=payout_id or random_id("po_"), amount=amount, currency=CURRENCY,
               arrival_date=arrival_date, created=arrival_date - 2 * 86400, status=status,
               automatic=automatic, balance_transaction=random_id("txn_"))
    return obj


def stripe_list(url: str, data: list[dict[str, Any]]) -> dict[str, Any]:
    """One page of a Stripe list answer (``has_more`` false)."""
    return {"object": "list", "url": url, "has_more": False, "data": data}


def charge_object(charge: Mapping[str, Any], *,
                  amount_refunded: int | None = None) -> dict[str, Any]:
    """A current-shape Charge from a real one; ``balance_transaction`` stays an id (or null),
    as in real webhook payloads, and ``refunds`` is absent (not sent since 2022-11-15)."""
    obj = shape("charge")
    for legacy_or_connect in ("source", "refunds"):
        obj.pop(legacy_or_connect, None)
    amount = int(charge["amount"])
    refunded = int(charge.get("amount_refunded") or 0) if amount_refunded is None \
        else amount_refunded
    obj.update(
        id=charge["id"], amount=amount, amount_captured=amount, amount_refunded=refunded,
        refunded=refunded >= amount, captured=True, paid=True,
        status=charge.get("status") or "succeeded", currency=charge.get("currency", CURRENCY),
        created=_created(charge.get("created")), customer=id_of(charge.get("customer")),
        description=charge.get("description"), metadata=dict(charge.get("metadata") or {}),
        payment_intent=id_of(charge.get("payment_intent")),
        payment_method=id_of(charge.get("payment_method")),
        balance_transaction=id_of(charge.get("balance_transaction")),
        receipt_email=charge.get("receipt_email"), receipt_url=None, transfer_data=None,
        statement_descriptor=None, calculated_statement_descriptor="ESTRADE DON")
    obj["outcome"].update(network_status="approved_by_network", type="authorized",
                          seller_message="Payment complete.", reason=None)
    obj["payment_method_details"]["card"]["overcapture"]["maximum_amount_capturable"] = amount
    return obj


def checkout_session_object(*, donation_id: str, amount_cents: int, mode: str = "payment",
                            payment_status: str = "paid", status: str = "complete",
                            payment_intent: Any = None, subscription: Any = None,
                            invoice: Any = None, customer: Any = None,
                            email: str = "donateur@example.org",
                            metadata: Mapping[str, str] | None = None,
                            session_id: str | None = None, created: int | None = None,
                            ) -> dict[str, Any]:
    """A Checkout Session as sent with checkout.session.* (payment_intent etc. as ids)."""
    obj = shape("checkout.session")
    now = _created(created)
    obj.update(
        id=session_id or random_id("cs_test_", 58), created=now, expires_at=now + 86400,
        mode=mode, status=status, payment_status=payment_status, submit_type="donate",
        locale="fr", currency=CURRENCY, amount_subtotal=amount_cents,
        amount_total=amount_cents, client_reference_id=donation_id,
        metadata={**dict(metadata or {}), "donation_id": donation_id},
        customer_email=email, customer=id_of(customer),
        payment_intent=id_of(payment_intent) if mode == "payment" else None,
        subscription=id_of(subscription), invoice=id_of(invoice),
        url=None if status != "open" else obj["url"], shipping_address_collection=None,
        shipping_cost=None, currency_conversion=None, collected_information=None,
        total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        billing_address_collection="required")
    obj["customer_details"].update(email=email, name="Marianne Dupont")
    obj["customer_details"]["address"].update(line1="1 rue de la Paix", city="Paris",
                                              postal_code="75002", country="FR")
    return obj


def refund_object(refund: Mapping[str, Any], *, payment_intent: Any = None,
                  status: str | None = None) -> dict[str, Any]:
    """A current-shape Refund from a real one (localstripe leaves payment_intent null)."""
    obj = shape("refund")
    obj.update(
        id=refund["id"], amount=int(refund["amount"]), charge=id_of(refund.get("charge")),
        currency=refund.get("currency", CURRENCY), created=_created(refund.get("created")),
        metadata=dict(refund.get("metadata") or {}),
        balance_transaction=id_of(refund.get("balance_transaction")),
        payment_intent=id_of(payment_intent) or id_of(refund.get("payment_intent")),
        status=status or refund.get("status") or "succeeded")
    return obj


def dispute_object(charge: Mapping[str, Any], *, amount_cents: int | None = None,
                   status: str = "needs_response", reason: str = "fraudulent",
                   fee_cents: int = 1500, reinstated: bool = False,
                   dispute_id: str | None = None, created: int | None = None,
                   ) -> dict[str, Any]:
    """A Dispute on a real charge, with its funds-withdrawn balance transaction (amount plus
    the dispute fee) and, when ``reinstated``, the funds-reinstated one."""
    obj = shape("dispute")
    amount = int(charge["amount"]) if amount_cents is None else amount_cents
    dispute = dispute_id or random_id("dp_")
    now = _created(created)
    txns = [balance_transaction_object(amount=-amount, fee=fee_cents, source=dispute,
                                       type="adjustment", reporting_category="dispute",
                                       created=now)]
    if reinstated:
        txns.append(balance_transaction_object(
            amount=amount, source=dispute, type="adjustment",
            reporting_category="dispute_reversal", created=now))
    obj.update(id=dispute, amount=amount, charge=charge["id"], currency=CURRENCY,
               created=now, payment_intent=id_of(charge.get("payment_intent")),
               status=status, reason=reason, balance_transactions=txns,
               is_charge_refundable=False, enhanced_eligibility_types=[])
    obj["payment_method_details"]["card"]["case_type"] = "chargeback"
    return obj


def invoice_object(invoice: Mapping[str, Any], *, status: str = "paid",
                   billing_reason: str = "subscription_create", payment_intent: Any = None,
                   subscription: Any = None,
                   subscription_metadata: Mapping[str, str] | None = None,
                   invoice_id: str | None = None, created: int | None = None,
                   ) -> dict[str, Any]:
    """A basil-shape Invoice (``payments`` + ``parent.subscription_details``, no
    ``payment_intent``/``charge``) from a real localstripe invoice.

    ``invoice_id``/``created`` give a renewal its own identity (localstripe never renews).
    """
    obj = shape("invoice")
    amount = int(invoice.get("amount_due") or invoice.get("total") or 0)
    paid = status == "paid"
    inv_id = invoice_id or invoice["id"]
    now = _created(created if created is not None else invoice.get("created"))
    legacy_charge = invoice.get("charge")
    pi_id = id_of(payment_intent) or id_of(invoice.get("payment_intent")) or (
        id_of(legacy_charge.get("payment_intent")) if isinstance(legacy_charge, Mapping)
        else None)
    sub_id = id_of(subscription) or id_of(invoice.get("subscription"))
    payment = shape("invoice_payment")
    payment.update(id=random_id("inpay_"), invoice=inv_id, amount_requested=amount,
                   amount_paid=amount if paid else None, currency=CURRENCY, created=now,
                   livemode=False, status="paid" if paid else "open",
                   payment={"type": "payment_intent", "payment_intent": pi_id})
    payment["status_transitions"]["paid_at"] = now if paid else None
    line = obj["lines"]["data"][0]
    line.update(id=random_id("il_"), invoice=inv_id, amount=amount, currency=CURRENCY,
                description=f"1 × Don mensuel (at €{amount / 100:.2f} / month)",
                period={"start": now, "end": now + 30 * 86400}, subtotal=amount,
                parent={"type": "subscription_item_details", "invoice_item_details": None,
                        "subscription_item_details": {
                            "invoice_item": None, "proration": False,
                            "proration_details": {"credited_items": None},
                            "subscription": sub_id, "subscription_item": random_id("si_")}})
    obj.update(
        id=inv_id, status=status, billing_reason=billing_reason, currency=CURRENCY,
        customer=id_of(invoice.get("customer")), customer_email=invoice.get("customer_email"),
        created=now, effective_at=now, period_start=now, period_end=now, account_country="FR",
        amount_due=amount, amount_paid=amount if paid else 0,
        amount_remaining=0 if paid else amount, amount_overpaid=0, subtotal=amount,
        subtotal_excluding_tax=amount, total=amount, total_excluding_tax=amount,
        attempted=True, attempt_count=1, auto_advance=False, shipping_cost=None,
        last_finalization_error=None, from_invoice=None, due_date=None,
        next_payment_attempt=None if paid else now + 3 * 86400,
        parent={"type": "subscription_details", "quote_details": None,
                "subscription_details": {"metadata": dict(subscription_metadata or {}),
                                         "subscription": sub_id}},
        payments={"object": "list", "data": [payment], "has_more": False,
                  "url": f"/v1/invoices/{inv_id}/payments"})
    obj["status_transitions"].update(finalized_at=now, paid_at=now if paid else None)
    obj.pop("subscription", None)  # moved to parent.subscription_details in basil
    return obj
