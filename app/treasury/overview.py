"""Figures and alerts of one campaign's account, for the treasurer (mandataire financier)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.campaigns.models import Campaign
from app.core.finance.bookkeeping import petty_expenses
from app.core.finance.chain import signed_amount
from app.core.finance.elections import check_mode_population
from app.core.finance.spending_cap import cash_ceiling, reimbursement_ceiling
from app.core.finance.vocabulary import PAYMENT_METHODS
from app.extensions import db
from app.ledger.bookings import direct_expenses_total, expenses_total
from app.ledger.donor_list import donor_money
from app.ledger.donors import duplicates_for
from app.ledger.facts import campaign_cap
from app.ledger.models import ComplianceFlag, LedgerEntry
from app.ledger.totals import campaign_cash_total, money_to_refund
from app.ledger.verify import ChainHead, paris_time, verify_campaign
from app.timeutil import utcnow
from app.treasury.meters import Figures, Meter, figures, filing_deadline


@dataclass
class Alert:
    """A compliance alert: its rule id, what is wrong, and what resolves it."""

    rule: str
    message: str
    level: str = "warning"  # warning | danger
    action: str = ""
    href: str = ""  # where to do it, when it is a page of the workspace


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
    figures: Figures | None = None
    meters: list[Meter] = field(default_factory=list)
    deadline: datetime | None = None  # ACC-2, in France
    days_left: int | None = None

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
    result.figures = figures(campaign)
    result.meters = _meters(result, result.figures)
    if campaign.mode != "petite-commune":  # MAND-4: no account to file below 9,000
        result.deadline = filing_deadline(campaign.election.round1)
        result.days_left = (result.deadline.date() - paris_time(utcnow()).date()).days
    result.alerts = _alerts(campaign, result, check.problem)
    return result


def _meters(view: CampaignOverview, numbers: Figures) -> list[Meter]:
    meters = []
    if view.cap_cents:
        # CAP-3: warn at 80 %, strongly at 95 %; beyond 100 % the account is rejected.
        meters.append(Meter("CAP-1", "Dépenses engagées / plafond des dépenses",
                            numbers.expenses_cents, view.cap_cents))
    if view.cash_ceiling_cents:
        meters.append(Meter("DON-5", "Espèces et quêtes / 20 % du plafond",
                            view.cash_cents, view.cash_ceiling_cents, 80, 100))
    if view.reimbursement_cents:
        meters.append(Meter("RMB-1", "Apport personnel / remboursement forfaitaire maximal",
                            numbers.apport_cents, view.reimbursement_cents, 101, 101))
    return meters


def _alerts(campaign: Campaign, view: CampaignOverview, problem: object) -> list[Alert]:
    alerts: list[Alert] = []
    if problem is not None:
        message = getattr(problem, "message", "")
        alerts.append(Alert("REGISTRE", f"Registre altéré : {message}", "danger",
                            "Ne délivrez aucun export : lancez « estrade ledger verify » et "
                            "comparez avec la dernière ancre gardée hors du serveur."))
    if campaign.mode == "candidat" and not campaign.has_mandataire:
        alerts.append(Alert("MAND-1", "Aucun mandataire déclaré : les dons sont fermés.",
                            "danger", "Déclarez le mandataire en préfecture, puis inscrivez-le "
                            "dans le fichier de campagne (« estrade campaign load »)."))
    flags = db.session.scalars(select(ComplianceFlag).where(
        ComplianceFlag.campaign_id == campaign.id, ComplianceFlag.resolved_entry_id.is_(None))
        .order_by(ComplianceFlag.id)).all()
    for flag in flags:
        alerts.append(Alert(flag.rule, flag.message, "danger",
                            "Remboursez ce montant au donateur : approuvez le remboursement "
                            "ci-dessous, ou rendez-le par chèque ou virement (DON-16)."))
    setup = check_mode_population(campaign.mode, campaign.election.kind, campaign.population)
    alerts.extend(Alert(r.rule, r.message, "danger") for r in setup.refusals)  # MAND-4, DON-5
    if (campaign.mode == "candidat" and campaign.population is not None
            and campaign_cap(campaign) is None):
        alerts.append(Alert("DON-5", "Plafond de dépenses inconnu : espèces et quêtes sont "
                                     "refusées tant qu'il ne peut pas être vérifié.", "danger"))
    share = view.cash_share_percent
    if share is not None and share >= 80:
        alerts.append(Alert("DON-5", f"Espèces et quêtes : {share} % du plafond autorisé "
                                     "(20 % du plafond des dépenses).",
                            "danger" if share >= 100 else "warning",
                            "N'acceptez plus d'espèces ni de quêtes : proposez le chèque, le "
                            "virement ou la carte."))
    pairs = duplicates_for(campaign.id)
    if pairs:
        alerts.append(Alert("DON-2", f"{len(pairs)} paire(s) de fiches de donateurs désignent "
                                     "probablement la même personne (le plafond est par "
                                     "personne) : « estrade donors duplicates --site "
                                     f"{campaign.site.slug} » pour fusionner ou distinguer.",
                            action="Ouvrez chaque paire dans le registre : fusionnez-la (même "
                            "personne) ou gardez-la distincte, avec un motif.",
                            href=f"{campaign.id}/donateurs/?etat=doublons"))
    for refund in db.session.scalars(select(LedgerEntry).where(
            LedgerEntry.campaign_id == campaign.id, LedgerEntry.kind == "refund")
            .order_by(LedgerEntry.seq)):
        # R39-1-1 5°: a refund made outside Estrade (Stripe's dashboard), never approved.
        alerts.extend(Alert(r["rule"], r["message"], "danger") for r in refund.rules or []
                      if r.get("rule") == "R39-1-1")
    warned = sum(1 for rules in db.session.scalars(select(LedgerEntry.rules).where(
        LedgerEntry.campaign_id == campaign.id)) if rules)
    if warned:
        alerts.append(Alert("AVERT.", f"{warned} écriture(s) enregistrée(s) avec un "
                                      "avertissement : voir l'export des donateurs.",
                            action="Lisez la colonne « Statut » de la liste des donateurs et "
                            "vérifiez chaque don signalé.", href=f"{campaign.id}/donateurs.xlsx"))
    for meter in view.meters:
        if meter.rule == "CAP-1" and meter.level != "ok":
            alerts.append(Alert("CAP-1", f"Dépenses : {meter.percent} % du plafond des "
                                "dépenses. Au-delà de 100 %, le compte est rejeté et le "
                                "candidat peut être déclaré inéligible (CAP-3).",
                                "danger" if meter.percent >= 95 else "warning",
                                "Réexaminez les dépenses prévues avec l'expert-comptable avant "
                                "tout nouvel engagement."))
    petty = petty_expenses(direct_expenses_total(campaign), expenses_total(campaign.id),
                           view.cap_cents or None)
    if petty is not None:  # MAND-3: the « menues dépenses » paid by the candidate
        alerts.append(Alert("MAND-3", petty, "warning",
                            "Faites régler les dépenses par le mandataire ; celles que le "
                            "candidat a payées lui sont remboursées depuis le compte.",
                            href=f"{campaign.id}/ecritures/"))
    if view.days_left is not None and view.days_left <= 30:
        late = view.days_left < 0
        alerts.append(Alert("ACC-2", (
            "Date limite de dépôt du compte de campagne dépassée." if late else
            f"Dépôt du compte de campagne dans {view.days_left} jour(s)."),
            "danger" if late or view.days_left <= 7 else "warning",
            "Téléchargez le dossier de l'expert-comptable et déposez le compte à la CNCCFP "
            "avant 18 h le jour limite.", href=f"{campaign.id}/dossier-expert-comptable.zip"))
    return alerts
