"""`estrade ledger verify`: recompute every campaign's chains and check what they prove.

A campaign has four chains: its entries (``ledger_entries``: digests, sequence numbers,
running totals), its journal of DON-16 flags and refund requests, and its election's journal
of donor merges and keep-apart decisions (``ledger_events``, :mod:`app.ledger.evidence`). The
rows the application updates (flags, refund requests, merges, distinctions, the donors'
``merged_into_id``) must be what the last event about each says. The head of each chain (its
last sequence number and digest) is what an anchor keeps (:mod:`app.ledger.anchor`), the
treasury page shows and every export carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.campaigns.models import Campaign
from app.core.finance.chain import (
    GENESIS,
    ChainProblem,
    replay,
    verify_chain,
    verify_events,
)
from app.core.finance.money import format_cents
from app.extensions import db
from app.ledger.evidence import MERGES, Tracked, tracked
from app.ledger.models import Donor, LedgerEntry, LedgerEvent
from app.timeutil import PARIS

#: French names of the three chains of a campaign, and of what each chains.
CHAIN_LABELS = {"entries": "écritures",
                "campaign": "signalements et remboursements (DON-16)",
                "election": "fusions et distinctions de fiches (DON-2, toute l'élection)",
                "receipts": "registre des reçus-dons (DON-11)"}
CHAIN_NOUNS = {"entries": "écriture", "campaign": "événement", "election": "événement",
               "receipts": "événement"}


@dataclass(frozen=True)
class ChainHead:
    """The last link of one chain: what an anchor keeps and the treasurer compares."""

    key: str  # entries:<campaign id> | campaign:<campaign id> | election:<election id>
    kind: str  # entries | campaign | election
    seq: int  # 0 for an empty chain
    hash: str  # GENESIS for an empty chain

    @property
    def label(self) -> str:
        return CHAIN_LABELS[self.kind]

    @property
    def noun(self) -> str:
        return CHAIN_NOUNS[self.kind]


@dataclass(frozen=True)
class CampaignCheck:
    campaign_id: int
    site_slug: str
    entries: int
    balance_cents: int
    problem: ChainProblem | None
    heads: tuple[ChainHead, ...] = ()


def chain_keys(campaign: Campaign) -> list[tuple[str, str]]:
    """(kind, key) of the campaign's chains."""
    return [("entries", f"entries:{campaign.id}"), ("campaign", f"campaign:{campaign.id}"),
            ("election", f"election:{campaign.election_id}"),
            ("receipts", f"receipts:{campaign.id}")]


def digests(key: str) -> dict[int, str]:
    """``seq → digest`` of every stored link of the chain ``key``."""
    kind, _, ident = key.partition(":")
    if kind == "entries":
        query = select(LedgerEntry.seq, LedgerEntry.hash).where(
            LedgerEntry.campaign_id == int(ident))
    else:
        query = select(LedgerEvent.seq, LedgerEvent.hash).where(LedgerEvent.chain == key)
    return {int(seq): str(digest) for seq, digest in db.session.execute(query)}


def head(kind: str, key: str) -> ChainHead:
    kind_, _, ident = key.partition(":")
    if kind_ == "entries":
        query: Any = (select(LedgerEntry.seq, LedgerEntry.hash)
                      .where(LedgerEntry.campaign_id == int(ident))
                      .order_by(LedgerEntry.seq.desc()).limit(1))
    else:
        query = (select(LedgerEvent.seq, LedgerEvent.hash).where(LedgerEvent.chain == key)
                 .order_by(LedgerEvent.seq.desc()).limit(1))
    last = db.session.execute(query).first()
    return ChainHead(key, kind, int(last[0]), str(last[1])) if last else ChainHead(
        key, kind, 0, GENESIS)


def heads(campaign: Campaign) -> tuple[ChainHead, ...]:
    """The heads of the campaign's chains, as stored now."""
    return tuple(head(kind, key) for kind, key in chain_keys(campaign))


def paris_time(moment: datetime) -> datetime:
    """A naive UTC time (as stored) in France."""
    return moment.replace(tzinfo=UTC).astimezone(PARIS)


def french_time(moment: datetime) -> str:
    """A naive UTC time as the treasurer reads it: « 02/11/2026 à 11:00 (heure de Paris) »."""
    local = paris_time(moment)
    return f"{local:%d/%m/%Y} à {local:%H:%M} (heure de Paris)"


# -- the entries ---------------------------------------------------------------------------------


def _entries(campaign_id: int) -> list[LedgerEntry]:
    query = (select(LedgerEntry).where(LedgerEntry.campaign_id == campaign_id)
             .order_by(LedgerEntry.seq))
    return list(db.session.scalars(query).all())


def _rows(entries: list[LedgerEntry]) -> Any:
    for entry in entries:
        fields = entry.chained_fields()
        fields["prev_hash"] = entry.prev_hash
        fields["hash"] = entry.hash
        yield fields


def _links_problem(campaign: Campaign, entries: list[LedgerEntry]) -> ChainProblem | None:
    """Columns kept beside the digest must agree with what it covers: the election (which
    DON-2 totals use) follows from the campaign, the related entry from its sequence number."""
    by_id = {entry.id: entry for entry in entries}
    for entry in entries:
        if entry.election_id != campaign.election_id:
            return ChainProblem(entry.seq, f"écriture n° {entry.seq} : élection modifiée après "
                                           "enregistrement")
        related = by_id.get(entry.related_entry_id) if entry.related_entry_id else None
        expected = related.seq if related is not None else None
        if expected != entry.related_entry_seq:  # also a link to no entry of this campaign
            return ChainProblem(entry.seq, f"écriture n° {entry.seq} : écriture liée modifiée "
                                           "après enregistrement")
    return None


def _invoices_problem(entries: list[LedgerEntry]) -> ChainProblem | None:
    """Each expense's invoice file is still the one whose digest the entry chained."""
    from app.ledger.invoices import invoice_problem

    for entry in entries:
        invoice = (entry.details or {}).get("invoice")
        if isinstance(invoice, dict) and (message := invoice_problem(invoice)):
            return ChainProblem(entry.seq, f"écriture n° {entry.seq} : {message}")
    return None


# -- the journals ------------------------------------------------------------------------------


def _shown(name: str, value: Any) -> str:
    if value is None:
        return "vide"
    if name.endswith("_cents") and isinstance(value, int):
        return format_cents(value)
    return f"« {value} »" if isinstance(value, str) else str(value)


def _row_problem(spec: Tracked, row_id: int, seq: int | None, recorded: Any,
                 stored: dict[str, Any] | None) -> ChainProblem | None:
    name = f"{spec.label} n° {row_id}"
    if stored is None:
        return ChainProblem(seq or 0, f"{name} : ligne supprimée hors de l'application (son "
                                      f"dernier état est l'événement n° {seq} du journal)")
    if recorded is None:
        return ChainProblem(0, f"{name} : ligne absente du journal (ajoutée hors de "
                               "l'application)")
    for field, value in recorded.items():  # the fields this event recorded
        if stored.get(field) != value:
            label = spec.field_labels.get(field, field)
            return ChainProblem(seq or 0, f"{name} : champ « {label} » modifié hors de "
                                          f"l'application (journal : {_shown(field, value)} ; "
                                          f"base : {_shown(field, stored.get(field))})")
    return None


def _projection_problem(scope: str, scope_id: int, expected: dict[tuple[str, int], Any]
                        ) -> ChainProblem | None:
    for spec in tracked(scope):
        stored = {row.id: spec.snapshot(row) for row in db.session.scalars(spec.rows(scope_id))}
        recorded = {ident: state for (subject, ident), state in expected.items()
                    if subject == spec.subject}
        for row_id in sorted(set(stored) | set(recorded)):
            seq, data = recorded.get(row_id, (None, None))
            if (problem := _row_problem(spec, row_id, seq, data, stored.get(row_id))):
                return problem
    return None


def _merged_into_problem(election_id: int, expected: dict[tuple[str, int], Any]
                         ) -> ChainProblem | None:
    """A donor's ``merged_into_id`` (which makes the cap follow the person, DON-2) is what the
    journal's merges say."""
    parent = {int(data["merged_id"]): (int(data["kept_id"]), seq)
              for (subject, _), (seq, data) in sorted(expected.items())
              if subject == MERGES.subject}
    donors = db.session.execute(select(Donor.id, Donor.merged_into_id).where(
        Donor.election_id == election_id).order_by(Donor.id)).all()
    for donor_id, merged_into in donors:
        kept, seq = parent.get(int(donor_id), (None, 0))
        if merged_into != kept:
            def shown(value: int | None) -> str:
                return f"fiche n° {value}" if value is not None else "aucune"
            return ChainProblem(seq, f"fiche de donateur n° {donor_id} : rattachement modifié "
                                     f"hors de l'application (journal : {shown(kept)} ; "
                                     f"base : {shown(merged_into)})")
    return None


def journal_problem(kind: str, key: str) -> ChainProblem | None:
    """The first problem of one journal: its chain, then the rows it proves."""
    events = db.session.scalars(select(LedgerEvent).where(LedgerEvent.chain == key)
                                .order_by(LedgerEvent.seq)).all()
    rows = []
    for event in events:
        fields = event.chained_fields()
        fields["prev_hash"], fields["hash"] = event.prev_hash, event.hash
        rows.append(fields)
    label = f"journal des {CHAIN_LABELS[kind]}"
    if (problem := verify_events(rows, label)) is not None:
        return problem
    _, _, ident = key.partition(":")
    expected = replay(rows)
    problem = _projection_problem(kind, int(ident), expected)
    if problem is None and kind == "election":
        problem = _merged_into_problem(int(ident), expected)
    if problem is not None:
        return ChainProblem(problem.seq, f"{label} : {problem.message}")
    return None


# -- a campaign ----------------------------------------------------------------------------------


def verify_campaign(campaign: Campaign, *,
                    elections: dict[int, ChainProblem | None] | None = None) -> CampaignCheck:
    """Every chain of the campaign; ``elections`` caches the election journals' results
    (several campaigns share one)."""
    entries = _entries(campaign.id)
    balance = entries[-1].cumulative_cents if entries else 0
    problem = (verify_chain(_rows(entries)) or _links_problem(campaign, entries)
               or _invoices_problem(entries))
    if problem is None:
        problem = journal_problem("campaign", f"campaign:{campaign.id}")
    if problem is None:
        cache = elections if elections is not None else {}
        if campaign.election_id not in cache:
            cache[campaign.election_id] = journal_problem(
                "election", f"election:{campaign.election_id}")
        problem = cache[campaign.election_id]
    if problem is None:
        problem = journal_problem("receipts", f"receipts:{campaign.id}")
    if problem is None:
        from app.ledger.receipts import verify_register

        if (found := verify_register(campaign)) is not None:
            problem = ChainProblem(found.seq, f"{CHAIN_LABELS['receipts']} : {found.message}")
    return CampaignCheck(campaign.id, campaign.site.slug, len(entries), balance, problem,
                         heads(campaign))


def verify_all(site_slug: str | None = None) -> list[CampaignCheck]:
    query = select(Campaign).order_by(Campaign.id)
    campaigns = [c for c in db.session.scalars(query)
                 if site_slug is None or c.site.slug == site_slug]
    elections: dict[int, ChainProblem | None] = {}
    return [verify_campaign(c, elections=elections) for c in campaigns]

