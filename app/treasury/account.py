"""The campaign account (REP-4, CE L52-12): receipts by origin, expenses by nature, the
balance and the cap usage, computed from the ledger and checked against it (receipts less
expenses must equal the ledger's balance, or the account says so); in small-commune mode,
the surplus to return to the donors, one share per person (REP-5, MAND-4)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.campaigns.models import Campaign
from app.core.finance.chain import signed_amount
from app.core.finance.vocabulary import ENTRY_KINDS, PAYMENT_METHODS
from app.extensions import db
from app.ledger.donor_list import canonical_map
from app.ledger.facts import campaign_cap
from app.ledger.models import Donor, LedgerEntry
from app.ledger.totals import money_to_refund
from app.ledger.verify import verify_campaign
from app.treasury.meters import EXPENSE_KINDS, kind_totals

#: REP-4: the resources of the account. Loan repayments (and their reversals, counted with
#: them by kind_totals) are money out the ledger counts (SIGN -1) but no expense under the cap
#: (CAP-3): they are shown as a line less, next to the loans, so the account balances.
RECEIPT_KINDS = ("donation", "in_kind", "collection", "refund", "personal_contribution",
                 "party_contribution", "loan", "loan_repayment")
NO_NATURE = "Autres dépenses (nature non précisée)"


@dataclass
class Account:
    campaign: Campaign
    receipts: list[tuple[str, int]] = field(default_factory=list)  # (origin, cents)
    expenses: list[tuple[str, int]] = field(default_factory=list)  # (nature, cents)
    ledger_balance_cents: int = 0
    cap_cents: int | None = None
    to_refund_cents: int = 0

    @property
    def receipts_cents(self) -> int:
        return sum(c for _, c in self.receipts)

    @property
    def expenses_cents(self) -> int:
        return sum(c for _, c in self.expenses)

    @property
    def balance_cents(self) -> int:
        return self.receipts_cents - self.expenses_cents

    @property
    def balances(self) -> bool:
        """Receipts less expenses equal the ledger's own running balance."""
        return self.balance_cents == self.ledger_balance_cents

    @property
    def cap_percent(self) -> int | None:
        return self.expenses_cents * 100 // self.cap_cents if self.cap_cents else None


def _receipt_label(kind: str, method: str) -> str:
    if kind == "donation":
        return f"Dons — {PAYMENT_METHODS.get(method, method or 'autre')}"
    if kind == "refund":
        return "Dons remboursés aux donateurs (en moins)"
    if kind == "loan_repayment":
        return "Prêts remboursés aux prêteurs (en moins)"
    return ENTRY_KINDS.get(kind, kind)


def _expenses_by_nature(campaign_id: int) -> dict[str, int]:
    """Cost by nature (positive cents), reversals counted against what they cancel."""
    nature = LedgerEntry.details["nature"].as_string()
    found: dict[str, int] = defaultdict(int)
    base = (LedgerEntry.campaign_id == campaign_id, LedgerEntry.demo.is_(False))

    def label(kind: str, value: str | None) -> str:
        if kind == "fee":
            return "Frais de paiement en ligne (DON-14)"
        if kind == "in_kind_expense":
            return "Dépenses en nature, contrepartie des dons en nature (DON-18)"
        return value or NO_NATURE

    for kind, value, cents in db.session.execute(
            select(LedgerEntry.kind, nature, func.sum(LedgerEntry.amount_cents))
            .where(*base, LedgerEntry.kind.in_(EXPENSE_KINDS))
            .group_by(LedgerEntry.kind, nature)):
        found[label(kind, value)] += int(cents or 0)
    related = aliased(LedgerEntry)
    related_nature = related.details["nature"].as_string()
    for kind, value, cents in db.session.execute(
            select(related.kind, related_nature, func.sum(LedgerEntry.amount_cents))
            .join(related, LedgerEntry.related_entry_id == related.id)
            .where(*base, LedgerEntry.kind == "reversal", related.kind.in_(EXPENSE_KINDS))
            .group_by(related.kind, related_nature)):
        # A reversal holds the signed opposite of the expense (+X): the cost goes down by X.
        found[label(kind, value)] -= int(cents or 0)
    return found


def campaign_account(campaign: Campaign) -> Account:
    totals = kind_totals(campaign.id)
    receipts: dict[str, int] = defaultdict(int)
    for (kind, method), cents in sorted(totals.items()):
        if kind in RECEIPT_KINDS:
            receipts[_receipt_label(kind, method)] += cents
    expenses = _expenses_by_nature(campaign.id)
    cap = campaign_cap(campaign)
    return Account(
        campaign=campaign,
        receipts=[(k, v) for k, v in receipts.items() if v],
        expenses=sorted((k, v) for k, v in expenses.items() if v),
        ledger_balance_cents=verify_campaign(campaign).balance_cents,
        cap_cents=cap.cents if cap is not None and cap.applies else None,
        to_refund_cents=sum(money_to_refund(campaign.id).values()))


@dataclass(frozen=True)
class Surplus:
    """REP-5: a person's share of the surplus, in proportion to what they gave and kept; a
    person is every donor record merged into one (DON-2), named as the kept record."""

    donor_id: int  # the record standing for the person
    name: str
    address: str
    given_cents: int
    share_cents: int
    records: tuple[int, ...] = ()  # every record of the person that gave to this campaign


def surplus_list(campaign: Campaign, account: Account | None = None) -> list[Surplus]:
    """Small-commune mode (MAND-4): no account is filed and a surplus made of gifts goes back
    to the donors, pro rata, in cents (the cents left over by rounding go to the largest
    gifts first, so the shares add up to the surplus exactly). Gifts are added up per person
    (merged records together: one person, one share). Empty when nothing is left over or the
    campaign is not in that mode."""
    account = account or campaign_account(campaign)
    if campaign.mode != "petite-commune" or account.balance_cents <= 0:
        return []
    person = canonical_map(campaign.election_id, merged_only=True)
    given: dict[int, int] = defaultdict(int)
    records: dict[int, set[int]] = defaultdict(set)
    for donor_id, kind, cents in db.session.execute(select(
            LedgerEntry.donor_id, LedgerEntry.kind, LedgerEntry.amount_cents).where(
            LedgerEntry.campaign_id == campaign.id, LedgerEntry.demo.is_(False),
            LedgerEntry.donor_id.is_not(None),
            LedgerEntry.kind.in_(("donation", "in_kind", "refund", "reversal")))):
        if donor_id is None:
            continue
        root = person.get(donor_id, donor_id)
        given[root] += signed_amount(kind, int(cents))
        records[root].add(donor_id)
    given = {d: c for d, c in given.items() if c > 0}
    total = sum(given.values())
    if not total:
        return []
    surplus = min(account.balance_cents, total)  # never more than the gifts themselves
    shares = {d: surplus * c // total for d, c in given.items()}
    left = surplus - sum(shares.values())
    for donor_id in sorted(given, key=lambda d: (-given[d], d))[:left]:
        shares[donor_id] += 1
    donors = {d.id: d for d in db.session.scalars(select(Donor).where(
        Donor.id.in_(list(given))))}
    out = []
    for donor_id, cents in sorted(given.items(), key=lambda item: (-item[1], item[0])):
        who = donors[donor_id]
        out.append(Surplus(donor_id, who.full_name,
                           f"{who.adresse}, {who.code_postal} {who.commune}", cents,
                           shares[donor_id], tuple(sorted(records[donor_id]))))
    return out
