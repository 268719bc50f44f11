"""Donor identity work for the treasurer: likely duplicates and merges (the cap follows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app import audit
from app.campaigns.models import Campaign
from app.core.finance.donors import likely_duplicates
from app.core.finance.money import format_cents
from app.core.finance.rules import donor_cap
from app.dbutil import require_transaction
from app.extensions import db
from app.ledger.errors import LedgerError
from app.ledger.facts import campaign_facts
from app.ledger.locks import canonical_id, donor_group, lock_donor
from app.ledger.models import ComplianceFlag, Donor, DonorDistinction, DonorMerge, LedgerEntry
from app.ledger.totals import DONOR_KINDS, donor_total, refunded_so_far, unresolved_flags


@dataclass(frozen=True)
class MergeResult:
    kept_id: int
    merged_id: int
    total_cents: int
    flagged_cents: int
    message: str


def campaign_donor_ids(campaign_id: int) -> set[int]:
    """Donor records with an entry in this campaign's ledger: all its treasurer may see of the
    election's donors (rival campaigns share an installation and an election)."""
    return {int(i) for i in db.session.scalars(select(LedgerEntry.donor_id).where(
        LedgerEntry.campaign_id == campaign_id, LedgerEntry.donor_id.is_not(None)).distinct())
        if i is not None}


def holds_other_campaigns(campaign_id: int, donor_ids: tuple[int, ...]) -> bool:
    """Whether any of these records (with the records merged with them) has an entry in
    another campaign: merging them is then not this campaign's treasurer's decision."""
    group = {member for donor_id in donor_ids for member in donor_group(donor_id)}
    return db.session.scalar(select(LedgerEntry.id).where(
        LedgerEntry.donor_id.in_(group), LedgerEntry.campaign_id != campaign_id).limit(1)) \
        is not None


def duplicates_for(campaign_id: int) -> Any:
    """Likely pairs of donor records of one person among this campaign's donors (DON-2: the
    cap is per person), less the pairs the treasurer already kept apart. Donors of other
    campaigns are never shown: that would tell who gave to a rival."""
    ids = campaign_donor_ids(campaign_id)
    donors = db.session.scalars(select(Donor).where(Donor.id.in_(ids),
                                                    Donor.merged_into_id.is_(None))).all()
    rows = [(d.id, d.nom, d.prenom, d.code_postal, d.adresse) for d in donors]
    apart = {(int(a), int(b)) for a, b in db.session.execute(
        select(DonorDistinction.first_id, DonorDistinction.second_id)).all()}
    pairs = []
    for pair in likely_duplicates(rows):
        low, high = sorted((int(str(pair.first)), int(str(pair.second))))
        if (low, high) not in apart:
            pairs.append(pair)
    return pairs


def keep_apart(first_id: int, second_id: int, *, by_id: int | None, reason: str) -> None:
    """Record that two look-alike records are two people (no longer suggested)."""
    if first_id == second_id or None in (db.session.get(Donor, first_id),
                                          db.session.get(Donor, second_id)):
        raise LedgerError("Indiquez deux fiches de donateurs différentes et existantes.")
    low, high = sorted((first_id, second_id))
    require_transaction(db.session)
    if db.session.scalar(select(DonorDistinction.id).where(
            DonorDistinction.first_id == low, DonorDistinction.second_id == high)) is None:
        db.session.add(DonorDistinction(first_id=low, second_id=high, by_id=by_id,
                                        reason=reason))
        audit.record("donor.keep_apart", object_type="Donor", object_id=low, other=high,
                     reason=reason)


def merge_donors(kept_id: int, merged_id: int, *, by_id: int | None, reason: str
                 ) -> MergeResult:
    """Record that two donor records are one person. The DON-2 cap then covers both; any
    excess is flagged for refund (DON-16) on the group's latest gift."""
    require_transaction(db.session)
    kept, merged = db.session.get(Donor, kept_id), db.session.get(Donor, merged_id)
    if kept is None or merged is None:
        raise LedgerError("Donateur inconnu.")
    if kept.election_id != merged.election_id:
        raise LedgerError("Ces donateurs relèvent d'élections différentes : pas de fusion.")
    root_kept, root_merged = canonical_id(kept_id), canonical_id(merged_id)
    if root_kept == root_merged:
        raise LedgerError("Ces deux fiches désignent déjà la même personne.")
    for root in sorted((root_kept, root_merged)):  # fixed order: no deadlock
        lock_donor(root)
    merged_root = db.session.get(Donor, root_merged)
    assert merged_root is not None
    merged_root.merged_into_id = root_kept
    db.session.add(DonorMerge(kept_id=root_kept, merged_id=root_merged, by_id=by_id,
                              reason=reason))
    group = donor_group(root_kept)
    total = donor_total(kept.election_id, group)
    flagged = _flag_excess(kept.election_id, group, total)
    audit.record("donor.merge", object_type="Donor", object_id=root_kept,
                 merged=root_merged, reason=reason, flagged_cents=flagged)
    message = f"Fiches fusionnées : total de la personne {format_cents(total)}."
    if flagged:
        message += (f" Dépassement du plafond : {format_cents(flagged)} à rembourser "
                    "(DON-2, DON-16).")
    return MergeResult(root_kept, root_merged, total, flagged, message)


def _flag_excess(election_id: int, group: list[int], total: int) -> int:
    """DON-16 after a merge: the excess over the cap is flagged on the person's newest gifts,
    each for at most what is left of it (a flag larger than its gift could never be
    resolved by refunding that gift)."""
    gifts = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.election_id == election_id, LedgerEntry.donor_id.in_(group),
        LedgerEntry.kind.in_(DONOR_KINDS[:2])).order_by(LedgerEntry.on.desc(),
                                                        LedgerEntry.id.desc())).all()
    if not gifts:
        return 0
    campaign = db.session.get(Campaign, gifts[0].campaign_id)
    assert campaign is not None
    cap = donor_cap(campaign_facts(campaign))
    excess = total - unresolved_flags(group, election_id) - cap
    if excess <= 0:
        return 0
    flagged = dict(db.session.execute(
        select(ComplianceFlag.entry_id, func.sum(ComplianceFlag.amount_cents))
        .where(ComplianceFlag.entry_id.in_([g.id for g in gifts]))
        .group_by(ComplianceFlag.entry_id)).all())
    left = excess
    for gift in gifts:
        # A gift's refunds count toward its flags first (outstanding_flags): what the person
        # still keeps of it is its amount less the larger of the two.
        refunded, already = refunded_so_far(gift.id), int(flagged.get(gift.id) or 0)
        add = min(gift.amount_cents - max(refunded, already), left)
        if add <= 0:
            continue
        amount = max(refunded, already) - already + add  # brings the flags past the refunds
        db.session.add(ComplianceFlag(
            entry_id=gift.id, campaign_id=gift.campaign_id, rule="DON-2", amount_cents=amount,
            message=(f"À rembourser (DON-16) : après fusion de fiches, les dons de cette "
                     f"personne dépassent de {format_cents(excess)} le plafond de "
                     f"{format_cents(cap)} par élection (DON-2) ; {format_cents(add)} "
                     "à rendre sur ce don.")))
        left -= add
        if left == 0:
            break
    return excess - left
