"""The only door to Stripe: a thin wrapper over one ``stripe.StripeClient``.

Money is always in integer cents (EUR). Every object returned is a plain ``dict`` (stripe 16's
``StripeObject`` is not a ``dict``), and the module-level helpers read expandable fields in any
shape: an id string, an inlined object, an older API shape, or a missing field.

Monthly donations and the end of the collection window: a Checkout Session cannot carry a
subscription end (``subscription_data`` has no ``cancel_at``). ``create_checkout_session``
therefore stores the wanted end in ``subscription_data.metadata["cancel_at"]`` and the webhook
handler calls :meth:`StripeGateway.schedule_subscription_end` on
``checkout.session.completed`` (``subscription_end_of`` reads the date back).

Stripe errors (``stripe.StripeError`` and its subclasses) propagate unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from app.donations.stripe.shapes import SUBSCRIPTION_END_KEY
from app.donations.stripe.signing import sdk_api_version

if TYPE_CHECKING:
    import requests


class _LazyStripe:
    """The ``stripe`` package, imported on first use (a third of a second at start-up that
    every command and web worker would otherwise pay). Annotations here are strings."""

    def __getattr__(self, name: str) -> Any:
        import stripe as module

        return getattr(module, name)


stripe: Any = _LazyStripe()

CURRENCY = "eur"
LIVE_KEY_PREFIXES = ("sk_live_", "rk_live_")
WEBHOOK_TOLERANCE_SECONDS = 300
REQUEST_TIMEOUT_SECONDS = 30


class StripeNotConfiguredError(RuntimeError):
    """An API call was attempted in demonstration mode (no secret key)."""


class WebhookError(Exception):
    """A webhook request that must be refused (answer 400, change nothing)."""


class WebhookSignatureError(WebhookError):
    """Missing, malformed or wrong ``Stripe-Signature``, or a timestamp older than 300 s."""


class WebhookPayloadError(WebhookError):
    """Correctly signed (or unsigned) body that is not a JSON Stripe event."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


def _as_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, stripe.StripeObject):
        return obj.to_dict()
    return dict(obj)


def _check_amount(amount_cents: object) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise TypeError("amount_cents must be an int (cents)")
    if amount_cents <= 0:
        raise ValueError("amount_cents must be positive")


def _metadata(donation_id: str, metadata: Mapping[str, str]) -> dict[str, str]:
    result = {str(k): str(v) for k, v in metadata.items()}
    result["donation_id"] = donation_id
    return result


def demo_webhook_secret(app_secret_key: str) -> str:
    """Signing secret used by the demonstration mode, derived from the app's SECRET_KEY."""
    digest = hmac.new(app_secret_key.encode("utf-8"), b"estrade-demo-stripe-webhook",
                      hashlib.sha256).hexdigest()
    return f"whsec_demo_{digest[:40]}"


class StripeGateway:
    """Stripe operations used by the donation flow (see module docstring)."""

    def __init__(self, secret_key: str = "", webhook_secret: str = "", *, api_base: str = "",
                 http_client: stripe.HTTPClient | None = None,
                 max_network_retries: int = 2) -> None:
        self.secret_key = secret_key or ""
        self.webhook_secret = webhook_secret or ""
        self.api_base = api_base.rstrip("/") if api_base else ""
        self._owned_session: requests.Session | None = None
        self._client: stripe.StripeClient | None = None
        if self.demo_mode:
            return
        if http_client is None:
            # One shared session for every thread, so that close() really closes it.
            import requests

            self._owned_session = requests.Session()
            http_client = stripe.RequestsClient(session=self._owned_session,
                                                timeout=REQUEST_TIMEOUT_SECONDS)
        self._client = stripe.StripeClient(
            self.secret_key, stripe_version=sdk_api_version(), http_client=http_client,
            base_addresses={"api": self.api_base} if self.api_base else None,
            max_network_retries=max_network_retries)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], *,
                    http_client: stripe.HTTPClient | None = None,
                    max_network_retries: int | None = None) -> StripeGateway:
        """Build from a Flask config (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE).

        In demonstration mode without STRIPE_WEBHOOK_SECRET, the webhook secret is derived
        from SECRET_KEY so that the demo can sign its own events (never with live keys).
        """
        secret_key = str(config.get("STRIPE_SECRET_KEY") or "")
        webhook_secret = str(config.get("STRIPE_WEBHOOK_SECRET") or "")
        if not secret_key and not webhook_secret and config.get("SECRET_KEY"):
            webhook_secret = demo_webhook_secret(str(config["SECRET_KEY"]))
        return cls(secret_key, webhook_secret, api_base=str(config.get("STRIPE_API_BASE") or ""),
                   http_client=http_client,
                   max_network_retries=2 if max_network_retries is None else max_network_retries)

    # -- state -------------------------------------------------------------------------------

    @property
    def demo_mode(self) -> bool:
        """No secret key: no Stripe call is possible, the app simulates payments."""
        return not self.secret_key

    @property
    def live_mode(self) -> bool:
        return self.secret_key.startswith(LIVE_KEY_PREFIXES)

    @property
    def client(self) -> stripe.StripeClient:
        if self._client is None:
            raise StripeNotConfiguredError("Stripe is not configured (demonstration mode)")
        return self._client

    def close(self) -> None:
        """Close the HTTP session this gateway opened (an injected client is left open)."""
        if self._owned_session is not None:
            self._owned_session.close()
            self._owned_session = None

    def __enter__(self) -> StripeGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- Checkout ----------------------------------------------------------------------------

    def create_checkout_session(
        self,
        *,
        donation_id: str,
        amount_cents: int,
        monthly: bool,
        donor_email: str,
        description: str,
        success_url: str,
        cancel_url: str,
        cancel_at: int | None = None,
        metadata: Mapping[str, str],
        expires_at: int | None = None,
    ) -> CheckoutSession:
        """Create a hosted Checkout Session for a pending donation (idempotent per donation).

        ``cancel_at`` (monthly only) is the Unix time the subscription must end; it is stored
        in ``subscription_data.metadata["cancel_at"]`` and applied later with
        :meth:`schedule_subscription_end`, because Checkout cannot set it at creation.
        A retry must repeat the very same arguments (Stripe refuses a reused idempotency key
        with other parameters): derive ``expires_at`` from the stored donation, not from now.
        """
        _check_amount(amount_cents)
        if not donation_id:
            raise ValueError("donation_id is required")
        if cancel_at is not None and not monthly:
            raise ValueError("cancel_at only applies to monthly donations")
        meta = _metadata(donation_id, metadata)
        price_data: dict[str, Any] = {"currency": CURRENCY, "unit_amount": amount_cents,
                                      "product_data": {"name": description}}
        params: dict[str, Any] = {
            "line_items": [{"price_data": price_data, "quantity": 1}],
            # Accepted in subscription mode too since API 2024-11-20.acacia.
            "submit_type": "donate",
            "client_reference_id": donation_id,
            "customer_email": donor_email,
            "locale": "fr",
            "success_url": success_url,
            "cancel_url": cancel_url,
            "metadata": meta,
        }
        if expires_at is not None:
            params["expires_at"] = int(expires_at)
        if monthly:
            price_data["recurring"] = {"interval": "month"}
            sub_meta = dict(meta)
            if cancel_at is not None:
                sub_meta[SUBSCRIPTION_END_KEY] = str(int(cancel_at))
            params["mode"] = "subscription"
            params["subscription_data"] = {"metadata": sub_meta, "description": description}
        else:
            params["mode"] = "payment"
            params["payment_intent_data"] = {"metadata": meta, "description": description}
        session = self.client.v1.checkout.sessions.create(
            params=params, options={"idempotency_key": f"checkout:{donation_id}"})
        return CheckoutSession(id=session.id, url=session.url or "")

    def retrieve_checkout_session(self, session_id: str) -> dict[str, Any]:
        return _as_dict(self.client.v1.checkout.sessions.retrieve(session_id))

    # -- payments ----------------------------------------------------------------------------

    def retrieve_payment_intent(self, payment_intent_id: str) -> dict[str, Any]:
        """The PaymentIntent with ``latest_charge.balance_transaction`` expanded."""
        return self._get_plain(f"/v1/payment_intents/{quote(payment_intent_id, safe='')}",
                               ["latest_charge.balance_transaction"])

    def retrieve_charge(self, charge_id: str) -> dict[str, Any]:
        """The Charge with ``balance_transaction`` expanded (it may still be null)."""
        return self._get_plain(f"/v1/charges/{quote(charge_id, safe='')}",
                               ["balance_transaction"])

    def _get_plain(self, path: str, expand: list[str]) -> dict[str, Any]:
        """GET one object as the plain JSON dict Stripe sent: the same request (and the same
        errors) as the typed services, without building ``StripeObject`` trees only to turn
        them back into dicts (a third of a webhook's Stripe cost at a peak)."""
        response = self.client.raw_request("get", path, expand=expand)
        data = json.loads(response.body)
        if not isinstance(data, dict):
            raise stripe.APIError(f"unexpected answer for {path}")
        return data

    def retrieve_payment_method(self, payment_method_id: str) -> dict[str, Any]:
        """The PaymentMethod (its ``card.country``: DON-6)."""
        return _as_dict(self.client.v1.payment_methods.retrieve(payment_method_id))

    def list_refunds(self, charge_id: str) -> list[dict[str, Any]]:
        """Every refund of a charge (``charge.refunds`` is absent from current payloads)."""
        page = self.client.v1.refunds.list(params={"charge": charge_id, "limit": 100})
        return [_as_dict(refund) for refund in page.auto_paging_iter()]

    def create_refund(self, *, charge_id: str, amount_cents: int, idempotency_key: str,
                      metadata: Mapping[str, str]) -> str:
        """Refund part or all of a charge; returns the refund id."""
        _check_amount(amount_cents)
        if not idempotency_key:
            raise ValueError("an idempotency key is required for a refund")
        refund = self.client.v1.refunds.create(
            params={"charge": charge_id, "amount": amount_cents,
                    "metadata": {str(k): str(v) for k, v in metadata.items()}},
            options={"idempotency_key": idempotency_key})
        return str(refund.id)

    def retrieve_dispute(self, dispute_id: str) -> dict[str, Any]:
        return _as_dict(self.client.v1.disputes.retrieve(dispute_id))

    # -- payouts (REP-3) ---------------------------------------------------------------------

    def list_payouts(self, limit: int = 20) -> list[dict[str, Any]]:
        """The account's most recent payouts, newest first (one page of ``limit``)."""
        page = self.client.v1.payouts.list(params={"limit": limit})
        return [_as_dict(payout) for payout in page.data]

    def list_payout_transactions(self, payout_id: str) -> list[dict[str, Any]]:
        """Every balance transaction a payout carries (automatic payouts only: Stripe cannot
        attribute the transactions of a manual payout), the payout's own included."""
        page = self.client.v1.balance_transactions.list(
            params={"payout": payout_id, "limit": 100})
        return [_as_dict(txn) for txn in page.auto_paging_iter()]

    # -- subscriptions -----------------------------------------------------------------------

    def retrieve_invoice(self, invoice_id: str) -> dict[str, Any]:
        """The Invoice with its ``payments`` (basil shape) when the server can expand them."""
        try:
            invoice = self.client.v1.invoices.retrieve(
                invoice_id, params={"expand": ["payments"]})
        except stripe.InvalidRequestError as exc:
            # Servers with pre-2025 shapes (localstripe) reject the expansion.
            if "expand" not in str(exc).lower():
                raise
            invoice = self.client.v1.invoices.retrieve(invoice_id)
        return _as_dict(invoice)

    def retrieve_subscription(self, subscription_id: str) -> dict[str, Any]:
        return _as_dict(self.client.v1.subscriptions.retrieve(subscription_id))

    def schedule_subscription_end(self, subscription_id: str, cancel_at: int, *,
                                  proration_behavior: str | None = "none") -> dict[str, Any]:
        """Make a subscription end at ``cancel_at`` (Unix time); idempotent per (id, date).

        ``proration_behavior="none"`` keeps every monthly gift a whole amount (no prorated
        last charge, no credit); pass ``None`` against servers that reject it (localstripe).
        """
        params: dict[str, Any] = {"cancel_at": int(cancel_at)}
        if proration_behavior is not None:
            params["proration_behavior"] = proration_behavior
        subscription = self.client.v1.subscriptions.update(
            subscription_id, params=params,
            options={"idempotency_key": f"subscription-end:{subscription_id}:{int(cancel_at)}"})
        return _as_dict(subscription)

    def cancel_subscription(self, subscription_id: str,
                            idempotency_key: str | None = None) -> dict[str, Any]:
        """Cancel now; cancelling an already cancelled subscription returns it unchanged."""
        options: dict[str, Any] = {}
        if idempotency_key:
            options["idempotency_key"] = idempotency_key
        try:
            return _as_dict(self.client.v1.subscriptions.cancel(
                subscription_id, options=options))
        except stripe.InvalidRequestError:
            current = self.retrieve_subscription(subscription_id)
            if current.get("status") == "canceled":
                return current
            raise

    # -- webhooks ----------------------------------------------------------------------------

    def construct_event(self, payload: bytes, sig_header: str | None) -> dict[str, Any]:
        """Verify ``Stripe-Signature`` on the raw body and return the event as a dict."""
        if not self.webhook_secret:
            raise WebhookSignatureError("no webhook signing secret is configured")
        if not sig_header:
            raise WebhookSignatureError("missing Stripe-Signature header")
        try:
            text = payload.decode("utf-8") if isinstance(payload, bytes | bytearray) else payload
        except UnicodeDecodeError as exc:
            raise WebhookPayloadError("body is not UTF-8") from exc
        try:
            stripe.WebhookSignature.verify_header(text, sig_header, self.webhook_secret,
                                                  WEBHOOK_TOLERANCE_SECONDS)
        except stripe.SignatureVerificationError as exc:
            raise WebhookSignatureError(str(exc)) from exc
        return parse_event(text)


def parse_event(text: str | bytes) -> dict[str, Any]:
    """Parse an (already verified) event body; raise WebhookPayloadError if it is not one."""
    try:
        event = json.loads(text)
    except ValueError as exc:
        raise WebhookPayloadError("body is not valid JSON") from exc
    data = event.get("data") if isinstance(event, dict) else None
    if (not isinstance(event, dict) or event.get("object") != "event"
            or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str)
            or not isinstance(data, dict) or not isinstance(data.get("object"), dict)):
        raise WebhookPayloadError("body is not a Stripe event")
    return event
