"""The webhook inbox (``ESTRADE_WEBHOOK_INBOX``): acknowledge at once, book in batches.

At a donation peak the webhook only verifies the signature on the raw body, stores the event
in ``webhook_inbox`` (one row per Stripe event id: a duplicate delivery stores nothing) and
answers 200. A drainer books the stored events:

1. **Claim** a batch (a short transaction: a lease ``claimed_until`` on each row; PostgreSQL
   skips rows another drainer holds, ``FOR UPDATE SKIP LOCKED``). The lease only spares work:
   exactly-once never depends on it.
2. **Fetch** what each event is about from the Stripe API, outside any lock, as the inline
   webhook does (:mod:`app.donations.webhook_handlers`). A permanent answer (404) is
   acknowledged and logged; a transient failure is retried later, with a growing delay.
3. **Book** the whole batch in one transaction (one write lock, one commit; on PostgreSQL an
   advisory lock makes drainers take turns): for each event, in a savepoint, the event id goes
   into ``stripe_events`` (already there: nothing to do), its effects are applied through the
   same booking code as the inline webhook (every rule, DON-2 caps included, checked under the
   donor's and the campaign's locks; DON-16 flags), and its inbox row is deleted. An event that
   fails rolls back its savepoint alone and stays in the inbox for a retry. A crash anywhere
   leaves the row: it is booked once later, since the row and ``stripe_events`` change in
   the same transaction.
4. The confirmation mails of the batch are sent after commit (:func:`app.mail.send_pending`).

Each worker process runs one drainer thread, started by its first stored event and woken by
each new one; it also looks for due retries every few seconds. ``estrade webhooks drain``
books by hand (and after an outage).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import delete, func, insert, or_, select, text
from sqlalchemy.exc import IntegrityError

from app.dbutil import transaction
from app.donations.models import StripeEvent, WebhookInboxRow
from app.donations.stripe.gateway import StripeGateway
from app.donations.webhook_handlers import HANDLERS, Apply
from app.donations.webhook_support import gateway_for, permanent_stripe_refusal, send_queued_mail
from app.extensions import db
from app.timeutil import utcnow

log = logging.getLogger("app.donations.webhook")

BATCH = 50  # events booked per transaction
LEASE_SECONDS = 60  # a claimed batch is another drainer's again after this long
POLL_SECONDS = 5.0  # a drainer thread looks for due retries this often
MAX_DELAY_SECONDS = 600  # the longest wait between two attempts at one event
#: PostgreSQL advisory lock key: booking batches take turns (each one holds many donations'
#: and donors' locks, which two batches could otherwise take in opposite orders).
DRAIN_LOCK_KEY = 0x45535452  # "ESTR"


def enabled(app: Flask) -> bool:
    return bool(app.config.get("ESTRADE_WEBHOOK_INBOX"))


def store(event: dict[str, Any], body: bytes) -> bool:
    """Keep a verified event (a duplicate delivery keeps nothing); commit. True if new."""
    event_id = str(event["id"])
    if db.session.get(StripeEvent, event_id) is not None:
        db.session.rollback()
        return False
    with transaction():
        dialect = db.session.get_bind().dialect.name
        values = {"id": event_id, "type": str(event["type"]),
                  "body": body.decode("utf-8"), "received_at": utcnow(), "attempts": 0}
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            statement: Any = pg_insert(WebhookInboxRow).values(values).on_conflict_do_nothing()
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            statement = sqlite_insert(WebhookInboxRow).values(values).on_conflict_do_nothing()
        stored = db.session.execute(statement).rowcount  # type: ignore[attr-defined]
    return bool(stored)


def pending_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(WebhookInboxRow)) or 0)


# -- one batch ---------------------------------------------------------------------------


@dataclass
class Claimed:
    id: str
    type: str
    body: str
    attempts: int
    apply: Apply | None = None
    outcome: str = ""  # "" (to book) | acknowledged | retry
    error: str = ""


@dataclass
class DrainReport:
    booked: int = 0  # applied (an event may have nothing to book: an unknown donation)
    already: int = 0  # stored in stripe_events already: a duplicate
    acknowledged: int = 0  # unknown to Stripe (404): logged, dropped
    retried: int = 0  # transient failures left for later
    mail_keys: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.booked + self.already + self.acknowledged + self.retried

    def add(self, other: DrainReport) -> None:
        self.booked += other.booked
        self.already += other.already
        self.acknowledged += other.acknowledged
        self.retried += other.retried
        self.mail_keys.extend(other.mail_keys)


def claim(limit: int = BATCH) -> list[Claimed]:
    """Lease up to ``limit`` due events, oldest first (one short write transaction)."""
    now = utcnow()
    with transaction():
        query = (select(WebhookInboxRow)
                 .where(or_(WebhookInboxRow.next_attempt_at.is_(None),
                            WebhookInboxRow.next_attempt_at <= now),
                        or_(WebhookInboxRow.claimed_until.is_(None),
                            WebhookInboxRow.claimed_until < now))
                 .order_by(WebhookInboxRow.received_at, WebhookInboxRow.id).limit(limit))
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(db.session.scalars(query))
        until = now + timedelta(seconds=LEASE_SECONDS)
        claimed = []
        for row in rows:
            row.claimed_until = until
            claimed.append(Claimed(row.id, row.type, row.body, row.attempts))
    return claimed


def fetch(items: list[Claimed], gateway: StripeGateway) -> None:
    """Ask Stripe about each event (no lock held): its ``apply``, or why not."""
    for item in items:
        handler = HANDLERS.get(item.type)
        if handler is None:
            item.apply = _nothing
            continue
        try:
            event = json.loads(item.body)
            item.apply = handler(event["data"]["object"], gateway)
        except Exception as exc:
            db.session.rollback()
            if permanent_stripe_refusal(exc):
                log.error("webhook %s (%s) acknowledged without effect: Stripe answered %s (%s)",
                          item.id, item.type, getattr(exc, "http_status", "?"), exc)
                item.outcome = "acknowledged"
            else:
                log.warning("webhook %s (%s): Stripe lookup failed, retried later: %s",
                            item.id, item.type, exc)
                item.outcome, item.error = "retry", f"{type(exc).__name__}: {exc}"
    db.session.rollback()  # end the read transaction the handlers may have opened


def _nothing() -> list[str]:
    return []


def book(items: list[Claimed]) -> DrainReport:
    """Book the fetched batch in one transaction, each event in its own savepoint."""
    report = DrainReport()
    failed: list[Claimed] = []
    with transaction():
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": DRAIN_LOCK_KEY})
        done: list[str] = []
        for item in items:
            if item.outcome == "retry":
                failed.append(item)
                continue
            if item.outcome == "acknowledged":
                report.acknowledged += 1
                done.append(item.id)
                continue
            outcome = _book_one(item, report)
            if outcome == "retry":
                failed.append(item)
            else:
                done.append(item.id)
        if done:
            db.session.execute(delete(WebhookInboxRow).where(WebhookInboxRow.id.in_(done)))
        for item in failed:
            _postpone(item)
        report.retried = len(failed)
    return report


def _book_one(item: Claimed, report: DrainReport) -> str:
    """One event inside the batch's transaction: booked, already, or retry. The event id's
    primary key says whether it was booked before (no read first: a duplicate fails its
    insert and rolls back its savepoint)."""
    savepoint = db.session.begin_nested()
    try:
        db.session.execute(insert(StripeEvent).values(id=item.id, type=item.type,
                                                      received_at=utcnow()))
    except IntegrityError:  # booked already (a duplicate, or an inline delivery meanwhile)
        savepoint.rollback()
        report.already += 1
        return "already"
    try:
        assert item.apply is not None
        keys = item.apply()
    except Exception as exc:
        savepoint.rollback()
        log.exception("webhook %s (%s) failed: rolled back, retried later", item.id, item.type)
        item.error = f"{type(exc).__name__}: {exc}"
        return "retry"
    savepoint.commit()
    report.booked += 1
    report.mail_keys.extend(keys)
    return "booked"


def _postpone(item: Claimed) -> None:
    """A failed event waits (1, 2, 4… s, at most 10 min) and keeps its reason."""
    row = db.session.get(WebhookInboxRow, item.id)
    if row is None:
        return
    row.attempts = item.attempts + 1
    row.last_error = item.error[:2000] or None
    row.next_attempt_at = utcnow() + timedelta(
        seconds=min(MAX_DELAY_SECONDS, 2 ** min(item.attempts, 10)))
    row.claimed_until = None


def drain_batch(app: Flask, limit: int = BATCH) -> DrainReport:
    """Claim, fetch, book one batch, then send its mails; an empty report when none is due."""
    items = claim(limit)
    if not items:
        return DrainReport()
    with gateway_for(app) as gateway:
        fetch(items, gateway)
    report = book_or_one_by_one(items)
    send_queued_mail(tuple(report.mail_keys))
    return report


def book_or_one_by_one(items: list[Claimed]) -> DrainReport:
    """The batch in one transaction; if that transaction fails as a whole (PostgreSQL broke a
    deadlock with a treasurer's entry, which locks a donor then the campaign while the batch
    holds the campaign and wants a later event's donor), each event in its own transaction,
    which takes the locks in the usual order. An event whose transaction fails again keeps
    its lease: it is tried again once the lease lapses."""
    try:
        return book(items)
    except Exception:
        db.session.rollback()
        log.warning("webhook batch of %s events rolled back: booked one by one", len(items),
                    exc_info=True)
    report = DrainReport()
    for item in items:
        try:
            report.add(book([item]))
        except Exception:
            db.session.rollback()
            log.exception("webhook %s (%s) failed: left for a retry", item.id, item.type)
    return report


def drain(app: Flask, *, limit: int = BATCH, max_batches: int | None = None) -> DrainReport:
    """Book every due event (or ``max_batches`` batches of ``limit``)."""
    total = DrainReport()
    batches = 0
    while max_batches is None or batches < max_batches:
        report = drain_batch(app, limit)
        if not report.handled:
            break
        total.add(report)
        batches += 1
        if report.retried == report.handled:  # only failures left: they wait their delay
            break
    return total


# -- the drainer thread of each worker process ---------------------------------------------


class Drainer(threading.Thread):
    """Books the inbox in the background of one worker process."""

    def __init__(self, app: Flask) -> None:
        super().__init__(name="estrade-webhook-drainer", daemon=True)
        self.app = app
        self.wake = threading.Event()
        self.pid = os.getpid()

    def run(self) -> None:
        while True:
            self.wake.wait(POLL_SECONDS)
            self.wake.clear()
            with self.app.app_context():
                try:
                    drain(self.app)
                except Exception:  # the rows stay; the next round retries them
                    log.exception("webhook inbox drain failed")
                finally:
                    db.session.remove()


_DRAINER_KEY = "estrade.webhook_drainer"
_start_lock = threading.Lock()


def wake(app: Flask) -> None:
    """Wake this process's drainer, starting it first (once per process)."""
    if not app.config.get("ESTRADE_WEBHOOK_DRAIN_THREAD", not app.testing):
        return
    drainer = app.extensions.get(_DRAINER_KEY)
    if drainer is None or drainer.pid != os.getpid() or not drainer.is_alive():
        with _start_lock:
            drainer = app.extensions.get(_DRAINER_KEY)
            if drainer is None or drainer.pid != os.getpid() or not drainer.is_alive():
                drainer = Drainer(app)
                app.extensions[_DRAINER_KEY] = drainer
                drainer.start()
    drainer.wake.set()
