"""Figures and alerts of one campaign's account, for the treasurer (mandataire financier)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.campaigns.models import Campaign
from app.core.finance.chain import signed_amount
from app.core.finance.spending_cap import cash_ceiling, reimbursement_ceiling
from app.core.finance.vocabulary import PAYMENT_METHODS
from app.extensions import db
from app.ledger.donor_list import donor_money
from app.ledger.donors import duplicates_for
from app.ledger.facts import campaign_cap
from app.ledger.models import ComplianceFlag, LedgerEntry
from app.ledger.totals import campaign_cash_total, money_to_refund
from app.ledger.verify import ChainHead, paris_time, verify_campaign
from app.timeutil import utcnow


@dataclass
class Alert:
    rule: str
    message: str
    level: str = "warning"  # warning | danger


@dataclass
class CampaignOverview:
    campaign: Campaign
    entries: int
    balance_cents: int
    receipts_by_method: dict[str, int]  # net of refunds and of money awaiting one (DON-16)
    to_refund_cents: int  # received, flagged DON-16, not yet refunded: not a receipt
    cap_cents: int | None
    cash_cents: int
    cash_ceiling_cents: int | None
    reimbursement_cents: int | None
    demo_gifts: int = 0  # demonstration payments: shown apart, never counted
    alerts: list[Alert] = field(default_factory=list)
    #: The last link of each of the campaign's chains, to compare with an anchor.
    heads: tuple[ChainHead, ...] = ()
    checked_at: datetime | None = None  # in France

    @property
    def cash_share_percent(self) -> int | None:
        if not self.cash_ceiling_cents:
            return None
        return self.cash_cents * 100 // self.cash_ceiling_cents


def overview(campaign: Campaign) -> CampaignOverview:
    rows = db.session.execute(select(LedgerEntry.kind, LedgerEntry.method,
                                     func.sum(LedgerEntry.amount_cents))
                              .where(LedgerEntry.campaign_id == campaign.id,
                                     donor_money(LedgerEntry))
                              .group_by(LedgerEntry.kind, LedgerEntry.method)).all()
    by_method: dict[str, int] = {}
    for kind, method, total in rows:
        label = PAYMENT_METHODS.get(method or "", method or "—")
        by_method[label] = by_method.get(label, 0) + signed_amount(kind, int(total or 0))
    to_refund = money_to_refund(campaign.id)
    if to_refund:  # DON-16: out of the receipts until refunded
        flagged = db.session.execute(select(LedgerEntry.id, LedgerEntry.method).where(
            LedgerEntry.id.in_(to_refund))).all()
        for entry_id, method in flagged:
            label = PAYMENT_METHODS.get(method or "", method or "—")
            by_method[label] -= to_refund[entry_id]
    check = verify_campaign(campaign)
    found = campaign_cap(campaign)
    cap = found if found is not None and found.applies else None
    result = CampaignOverview(
        campaign=campaign, entries=check.entries, balance_cents=check.balance_cents,
        receipts_by_method=by_method, to_refund_cents=sum(to_refund.values()),
        cap_cents=cap.cents if cap else None,
        cash_cents=campaign_cash_total(campaign.id),
        cash_ceiling_cents=cash_ceiling(cap) if cap else None,
        reimbursement_cents=reimbursement_ceiling(cap) if cap else None,
        demo_gifts=db.session.scalar(select(func.count(LedgerEntry.id)).where(
            LedgerEntry.campaign_id == campaign.id, LedgerEntry.demo.is_(True),
            LedgerEntry.kind == "donation")) or 0,
        heads=check.heads, checked_at=paris_time(utcnow()))
    result.alerts = _alerts(campaign, result, check.problem)
    return result


def _alerts(campaign: Campaign, view: CampaignOverview, problem: object) -> list[Alert]:
    alerts: list[Alert] = []
    if problem is not None:
        message = getattr(problem, "message", "")
        alerts.append(Alert("REGISTRE", f"Registre altéré : {message}", "danger"))
    if campaign.mode == "candidat" and not campaign.has_mandataire:
        alerts.append(Alert("MAND-1", "Aucun mandataire déclaré : les dons sont fermés.",
                            "danger"))
    flags = db.session.scalars(select(ComplianceFlag).where(
        ComplianceFlag.campaign_id == campaign.id, ComplianceFlag.resolved_entry_id.is_(None))
        .order_by(ComplianceFlag.id)).all()
    for flag in flags:
        alerts.append(Alert(flag.rule, flag.message, "danger"))
    share = view.cash_share_percent
    if share is not None and share >= 80:
        alerts.append(Alert("DON-5", f"Espèces et quêtes : {share} % du plafond autorisé "
                                     "(20 % du plafond des dépenses).",
                            "danger" if share >= 100 else "warning"))
    pairs = duplicates_for(campaign.id)
    if pairs:
        alerts.append(Alert("DON-2", f"{len(pairs)} paire(s) de fiches de donateurs désignent "
                                     "probablement la même personne (le plafond est par "
                                     "personne) : « estrade donors duplicates --site "
                                     f"{campaign.site.slug} » pour fusionner ou distinguer."))
    warned = sum(1 for rules in db.session.scalars(select(LedgerEntry.rules).where(
        LedgerEntry.campaign_id == campaign.id)) if rules)
    if warned:
        alerts.append(Alert("AVERT.", f"{warned} écriture(s) enregistrée(s) avec un "
                                      "avertissement : voir l'export des donateurs."))
    return alerts
