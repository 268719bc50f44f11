"""The dashboard's figures of one campaign: gross receipts, refunds, fees and net; donors;
receipts by channel and by week (the chart); expenses against the spending cap (CAP-1, CAP-3),
apports against the reimbursement ceiling (RMB-1) and the filing deadline (ACC-2).

Expenses are whatever the ledger holds of kinds ``expense``, ``in_kind_expense`` and ``fee``
(PSP fees are campaign expenses, DON-14), less their reversals: none yet is simply 0."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.campaigns.models import Campaign
from app.core.finance.chain import signed_amount
from app.extensions import db
from app.ledger.models import LedgerEntry

GIFT_KINDS = ("donation", "in_kind", "collection")
EXPENSE_KINDS = ("expense", "in_kind_expense", "fee")
PARIS = ZoneInfo("Europe/Paris")


def filing_deadline(round1: date) -> datetime:
    """ACC-2 (CE L52-12 II): before 18:00 on the 10th Friday after the first round, in Paris
    (municipales of 15 March 2026: Friday 22 May 2026, 18:00)."""
    first_friday = round1 + timedelta(days=(4 - round1.weekday()) % 7 or 7)
    return datetime.combine(first_friday + timedelta(weeks=9), time(18, 0), tzinfo=PARIS)


def kind_totals(campaign_id: int) -> dict[tuple[str, str], int]:
    """(kind, method) → signed cents, each reversal counted with the entry it cancels."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    base = (LedgerEntry.campaign_id == campaign_id, LedgerEntry.demo.is_(False))
    for kind, method, cents in db.session.execute(
            select(LedgerEntry.kind, LedgerEntry.method, func.sum(LedgerEntry.amount_cents))
            .where(*base, LedgerEntry.kind != "reversal")
            .group_by(LedgerEntry.kind, LedgerEntry.method)):
        totals[(kind, method or "")] += signed_amount(kind, int(cents or 0))
    related = aliased(LedgerEntry)
    for kind, method, cents in db.session.execute(
            select(related.kind, related.method, func.sum(LedgerEntry.amount_cents))
            .join(related, LedgerEntry.related_entry_id == related.id)
            .where(*base, LedgerEntry.kind == "reversal")
            .group_by(related.kind, related.method)):
        totals[(kind, method or "")] += int(cents or 0)  # already the signed opposite
    return totals


@dataclass
class Week:
    start: date  # the Monday
    by_method: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_method.values())


def weekly_receipts(campaign_id: int) -> list[Week]:
    """Gifts and collections by week (Monday) and channel, weeks without any included."""
    days = db.session.execute(
        select(LedgerEntry.on, LedgerEntry.method, func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.campaign_id == campaign_id, LedgerEntry.demo.is_(False),
               LedgerEntry.kind.in_(GIFT_KINDS))
        .group_by(LedgerEntry.on, LedgerEntry.method)).all()
    if not days:
        return []
    weeks: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for on, method, cents in days:
        weeks[on - timedelta(days=on.weekday())][method or ""] += int(cents or 0)
    first, last = min(weeks), max(weeks)
    out, current = [], first
    while current <= last:
        out.append(Week(current, dict(weeks.get(current, {}))))
        current += timedelta(weeks=1)
    return out[-26:]  # half a year at most: the table below the chart has every figure


@dataclass
class Figures:
    gross_cents: int  # gifts and collections received (in kind at its value)
    refunds_cents: int
    fees_cents: int
    expenses_cents: int  # expenses subject to the cap, fees included (DON-14)
    apport_cents: int  # the candidate's own money (RMB-1 pays back from it only)
    donors: int
    weeks: list[Week]
    methods: list[str]  # channels present in the chart, in a stable order

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.refunds_cents - self.fees_cents


def figures(campaign: Campaign) -> Figures:
    totals = kind_totals(campaign.id)

    def of(*kinds: str) -> int:
        return sum(c for (k, _m), c in totals.items() if k in kinds)

    donors = db.session.scalar(select(func.count(func.distinct(LedgerEntry.donor_id))).where(
        LedgerEntry.campaign_id == campaign.id, LedgerEntry.demo.is_(False),
        LedgerEntry.kind.in_(("donation", "in_kind")))) or 0
    weeks = weekly_receipts(campaign.id)
    order = ["carte", "cheque", "virement", "prelevement", "especes", "quete", "nature"]
    present = {m for w in weeks for m in w.by_method}
    methods = [m for m in order if m in present] + sorted(present - set(order))
    return Figures(gross_cents=of(*GIFT_KINDS), refunds_cents=-of("refund"),
                   fees_cents=-of("fee"), expenses_cents=-of(*EXPENSE_KINDS),
                   apport_cents=of("personal_contribution"), donors=int(donors),
                   weeks=weeks, methods=methods)


@dataclass(frozen=True)
class Meter:
    """One gauge: a value against a limit, with the thresholds that colour it."""

    rule: str
    label: str
    value_cents: int
    limit_cents: int
    warn_percent: int = 80
    danger_percent: int = 95

    @property
    def percent(self) -> int:
        return self.value_cents * 100 // self.limit_cents if self.limit_cents else 0

    @property
    def low_cents(self) -> int:  # HTML <meter>: low and high may not pass max
        return min(self.limit_cents, self.limit_cents * self.warn_percent // 100)

    @property
    def high_cents(self) -> int:
        return min(self.limit_cents, self.limit_cents * self.danger_percent // 100)

    @property
    def level(self) -> str:
        if self.percent >= self.danger_percent:
            return "danger"
        return "warning" if self.percent >= self.warn_percent else "ok"
