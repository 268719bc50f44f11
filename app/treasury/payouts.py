"""REP-3: Stripe payouts reconciled with the campaign's ledger and its bank statement.

Payouts and their balance transactions are read from Stripe (through the gateway) each time;
nothing of Stripe is stored but the match of a payout with its bank statement line
(:class:`PayoutMatch`, one per campaign and payout, audited).

Tenancy: rival campaigns on one install share its Stripe account, so a payout may carry other
campaigns' charges. Only the lines booked in *this* campaign's ledger are shown with their
donor; the others are counted "hors campagne" without any detail, and a payout that carries
none of this campaign's lines is not shown at all.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import BigInteger, Date, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from app import audit
from app.accounts.models import User
from app.campaigns.models import Campaign
from app.core.finance.money import MoneyError, format_cents, parse_amount
from app.dbutil import require_transaction
from app.donations.models import RefundRequest
from app.extensions import Model, db
from app.ledger.errors import LedgerError
from app.ledger.models import LedgerEntry
from app.timeutil import utcnow
from app.treasury.actions import require_treasurer

#: A bank line matches a payout of the same amount credited within this many days.
MATCH_WINDOW_DAYS = 3
#: Ledger business keys of Stripe money (``app.donations.booking``), by source id.
SOURCE_REFS = ("stripe:charge:{}", "stripe:refund:{}", "stripe:dispute:{}")
#: Payouts that never reached the bank: nothing to match.
UNPAID = ("failed", "canceled")


class PayoutMatch(Model):
    """A payout matched to its bank statement line: by whom, when, how (REP-3)."""

    __tablename__ = "payout_matches"
    __table_args__ = (UniqueConstraint("campaign_id", "payout_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    payout_id: Mapped[str] = mapped_column(String(255))
    payout_amount_cents: Mapped[int] = mapped_column(BigInteger)
    bank_on: Mapped[date] = mapped_column(Date)
    bank_label: Mapped[str] = mapped_column(String(300), default="")
    bank_amount_cents: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(10))  # "manuel" or "releve" (CSV import)
    matched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    matched_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class PayoutLine:
    """One balance transaction of a payout that this campaign's ledger holds."""

    txn_id: str
    type: str
    source: str
    amount_cents: int
    fee_cents: int
    net_cents: int
    on: date
    entry_seq: int
    donor: str
    refund_approved: bool | None = None  # refunds only: approved by the mandataire?


@dataclass
class PayoutView:
    id: str
    amount_cents: int
    arrival: date
    status: str
    automatic: bool
    gross_cents: int = 0
    fees_cents: int = 0
    net_cents: int = 0
    lines: list[PayoutLine] = field(default_factory=list)
    outside_count: int = 0
    outside_net_cents: int = 0
    match: PayoutMatch | None = None

    @property
    def balanced(self) -> bool:
        """The transactions add up to the payout (false for a manual payout)."""
        return self.net_cents == self.amount_cents


def _day(timestamp: Any) -> date:
    if isinstance(timestamp, int) and not isinstance(timestamp, bool):
        return datetime.fromtimestamp(timestamp, UTC).date()
    return utcnow().date()


def _cents(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _source_id(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _entries_by_source(campaign_id: int, sources: set[str]) -> dict[str, LedgerEntry]:
    refs = {template.format(s): s for s in sources if s for template in SOURCE_REFS}
    if not refs:
        return {}
    found = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.campaign_id == campaign_id, LedgerEntry.source_ref.in_(list(refs))))
    return {refs[str(e.source_ref)]: e for e in found}


def _donor_name(entry: LedgerEntry) -> str:
    who = entry.donor_snapshot or {}
    name = f"{who.get('prenom', '')} {who.get('nom', '')}".strip()
    if not name and entry.donor is not None:
        name = f"{entry.donor.prenom} {entry.donor.nom}".strip()
    return name


def _approved_refunds(refund_ids: list[str]) -> set[str]:
    if not refund_ids:
        return set()
    return set(db.session.scalars(select(RefundRequest.stripe_refund_id).where(
        RefundRequest.stripe_refund_id.in_(refund_ids),
        RefundRequest.approved_by_id.is_not(None))))


def payout_view(campaign: Campaign, payout: dict[str, Any],
                txns: list[dict[str, Any]]) -> PayoutView:
    """A payout as this campaign's treasurer may see it (see the module docstring)."""
    view = PayoutView(id=str(payout["id"]), amount_cents=_cents(payout.get("amount")),
                      arrival=_day(payout.get("arrival_date")),
                      status=str(payout.get("status") or ""),
                      automatic=bool(payout.get("automatic", True)))
    moves = [t for t in txns if t.get("type") != "payout"]  # the payout's own withdrawal
    entries = _entries_by_source(campaign.id, {_source_id(t.get("source")) for t in moves})
    approved = _approved_refunds([s for s in entries if s.startswith("re_")])
    for txn in moves:
        amount, fee, net = (_cents(txn.get(k)) for k in ("amount", "fee", "net"))
        view.gross_cents += amount
        view.fees_cents += fee
        view.net_cents += net
        source = _source_id(txn.get("source"))
        entry = entries.get(source)
        if entry is None:
            view.outside_count += 1
            view.outside_net_cents += net
            continue
        view.lines.append(PayoutLine(
            txn_id=str(txn.get("id") or ""), type=str(txn.get("type") or ""), source=source,
            amount_cents=amount, fee_cents=fee, net_cents=net, on=_day(txn.get("created")),
            entry_seq=entry.seq, donor=_donor_name(entry),
            refund_approved=(source in approved) if entry.kind == "refund" else None))
    return view


def campaign_payouts(campaign: Campaign, gateway: Any, limit: int = 20) -> list[PayoutView]:
    """The recent payouts carrying at least one line of this campaign, with their match."""
    matches = {m.payout_id: m for m in db.session.scalars(
        select(PayoutMatch).where(PayoutMatch.campaign_id == campaign.id))}
    views = []
    for payout in gateway.list_payouts(limit=limit):
        view = payout_view(campaign, payout, gateway.list_payout_transactions(payout["id"]))
        if view.lines:
            view.match = matches.get(view.id)
            views.append(view)
    return views


# -- matching --------------------------------------------------------------------------------


def match_payout(campaign: Campaign, user: User, payout: PayoutView, *, bank_on: date,
                 bank_amount_cents: int, bank_label: str = "",
                 method: str = "manuel") -> PayoutMatch:
    """Record that ``payout`` is the bank statement line (bank_on, amount, label); the caller
    owns the transaction. Refused when the amounts differ or the payout is already matched."""
    require_treasurer(user, campaign)
    require_transaction(db.session)
    if payout.status in UNPAID:
        raise LedgerError("REP-3 — Ce virement a échoué ou a été annulé : il n'a crédité "
                          "aucun compte, rien n'a été rapproché.")
    if bank_amount_cents != payout.amount_cents:
        raise LedgerError(
            f"REP-3 — Le montant du relevé ({format_cents(bank_amount_cents)}) diffère du "
            f"virement Stripe ({format_cents(payout.amount_cents)}) : rien n'a été rapproché.")
    existing = db.session.scalar(select(PayoutMatch).where(
        PayoutMatch.campaign_id == campaign.id, PayoutMatch.payout_id == payout.id))
    if existing is not None:
        raise LedgerError("REP-3 — Ce virement est déjà rapproché d'une ligne du relevé.")
    match = PayoutMatch(campaign_id=campaign.id, payout_id=payout.id,
                        payout_amount_cents=payout.amount_cents, bank_on=bank_on,
                        bank_label=bank_label[:300], bank_amount_cents=bank_amount_cents,
                        method=method, matched_by_id=user.id)
    db.session.add(match)
    db.session.flush()
    audit.record("treasury.payout_match", match, user=user, campaign_id=campaign.id,
                 payout=payout.id, amount_cents=bank_amount_cents, bank_on=bank_on,
                 method=method)
    return match


@dataclass(frozen=True)
class BankLine:
    number: int  # line number in the file (1 = first line)
    on: date
    label: str
    amount_cents: int


@dataclass
class StatementReport:
    matched: list[tuple[BankLine, str]] = field(default_factory=list)  # (line, payout id)
    unmatched: list[str] = field(default_factory=list)  # French, one per line not matched


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # many French banks still export Windows-1252


def parse_statement(data: bytes) -> tuple[list[BankLine], list[str]]:
    """The credit lines of a bank CSV (``date;libellé;montant``, French amounts such as
    ``1 234,56``, dates as ``JJ/MM/AAAA``) and a French message for each line refused."""
    lines: list[BankLine] = []
    problems: list[str] = []
    for number, row in enumerate(csv.reader(io.StringIO(_decode(data)), delimiter=";"), 1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower().startswith("date"):
            continue  # the header
        if len(cells) < 3:
            problems.append(_("Ligne %(n)d : trois colonnes attendues (date ; libellé ; "
                              "montant), %(found)d trouvée(s).", n=number, found=len(cells)))
            continue
        try:
            on = datetime.strptime(cells[0], "%d/%m/%Y").date()
        except ValueError:
            problems.append(_("Ligne %(n)d : date illisible « %(value)s » (attendu "
                              "JJ/MM/AAAA).", n=number, value=cells[0]))
            continue
        raw = cells[2].lstrip("+").strip()
        if raw.startswith(("-", "\u2212")):
            continue  # a debit: never a payout
        try:
            amount = parse_amount(raw)
        except MoneyError as exc:
            problems.append(_("Ligne %(n)d : %(error)s", n=number, error=str(exc)))
            continue
        lines.append(BankLine(number, on, cells[1], amount))
    return lines, problems


def import_statement(campaign: Campaign, user: User, data: bytes,
                     payouts: list[PayoutView]) -> StatementReport:
    """Match each credit line to an unmatched payout of the same amount whose arrival date is
    within ±3 days (the closest first); the caller owns the transaction."""
    require_treasurer(user, campaign)
    lines, problems = parse_statement(data)
    report = StatementReport(unmatched=problems)
    free = [p for p in payouts if p.match is None and p.status not in UNPAID]
    window = timedelta(days=MATCH_WINDOW_DAYS)
    for line in lines:
        candidates = sorted((p for p in free if p.amount_cents == line.amount_cents
                             and abs(p.arrival - line.on) <= window),
                            key=lambda p: abs(p.arrival - line.on))
        if not candidates:
            report.unmatched.append(_(
                "Ligne %(n)d : aucun virement Stripe de %(amount)s à ±%(days)d jours du "
                "%(day)s (%(label)s).", n=line.number, amount=format_cents(line.amount_cents),
                days=MATCH_WINDOW_DAYS, day=line.on.strftime("%d/%m/%Y"), label=line.label))
            continue
        payout = candidates[0]
        payout.match = match_payout(campaign, user, payout, bank_on=line.on,
                                    bank_amount_cents=line.amount_cents, bank_label=line.label,
                                    method="releve")
        free.remove(payout)
        report.matched.append((line, payout.id))
    return report
