"""The register of reçus-dons (DON-11, CE R39-1): its own append-only, hash-chained record.

A receipt number is never invented and never part of a gift's sealed entry: the treasurer
records the numbers the CNCCFP issued (a booklet's range, or numbers given by Fin'Pol), then
assigns one to a gift (card gifts too), or voids one with a reason. Each of these is an event
of the campaign's chain ``receipts:<id>`` in ``ledger_events``, so the register is append-only
(triggers, ORM guard) and ``estrade ledger verify`` checks it like the other journals, plus
what it must say: a number used once, only numbers the CNCCFP issued, gifts of this campaign.
The register's state is the replay of its events. Writers hold the campaign lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import insert, select

from app.campaigns.models import Campaign
from app.core.finance.chain import GENESIS, ChainProblem, event_digest
from app.dbutil import require_transaction
from app.extensions import db
from app.ledger.errors import LedgerError
from app.ledger.locks import lock_campaign
from app.ledger.models import LedgerEntry, LedgerEvent
from app.ledger.totals import reversed_ids
from app.timeutil import utcnow

SUBJECT = "receipt"
SOURCES = {"carnet": "carnet de reçus de la CNCCFP", "finpol": "numéros Fin'Pol"}
MAX_RANGE = 5_000
_NUMBER = re.compile(r"^(?P<prefix>[A-Za-z0-9/-]*?)(?P<digits>\d+)$")


def chain_key(campaign_id: int) -> str:
    return f"receipts:{campaign_id}"


def expand(first: str, last: str) -> list[str]:
    """The numbers ``first`` to ``last`` of a booklet: one prefix, zero-padded digits."""
    a, b = _NUMBER.match(first.strip()), _NUMBER.match(last.strip())
    if a is None or b is None or a["prefix"] != b["prefix"] or \
            len(a["digits"]) != len(b["digits"]):
        raise LedgerError("DON-11 — Numéros de reçu à recopier tels qu'imprimés : même préfixe "
                          "et même nombre de chiffres au début et à la fin de la série.")
    low, high, width = int(a["digits"]), int(b["digits"]), len(a["digits"])
    if high < low or high - low + 1 > MAX_RANGE:
        raise LedgerError(f"DON-11 — Série de {first} à {last} invalide ({MAX_RANGE} numéros "
                          "au plus, dans l'ordre).")
    return [f"{a['prefix']}{n:0{width}d}" for n in range(low, high + 1)]


@dataclass
class Register:
    """The register's state: replay of its events."""

    issued: dict[str, str] = field(default_factory=dict)  # number → source
    assigned: dict[str, int] = field(default_factory=dict)  # number → gift entry id
    voided: dict[str, str] = field(default_factory=dict)  # number → reason
    #: Numbers typed with a gift when it was booked (kept in its entry): number → entry id.
    sealed: dict[str, int] = field(default_factory=dict)
    problem: ChainProblem | None = None

    def gift_numbers(self) -> dict[int, str]:
        return {entry_id: number for number, entry_id in self.assigned.items()
                if number not in self.voided}

    def unused(self) -> list[str]:
        """DON-11: issued and on no gift (the register's or sealed at booking), not voided:
        to give back to the CNCCFP."""
        return [n for n in self.issued
                if n not in self.assigned and n not in self.voided and n not in self.sealed]


def _events(campaign_id: int) -> list[LedgerEvent]:
    return list(db.session.scalars(select(LedgerEvent).where(
        LedgerEvent.chain == chain_key(campaign_id)).order_by(LedgerEvent.seq)))


def register(campaign_id: int) -> Register:
    """Replay the register, noting the first event that breaks what it must say."""
    state = Register(sealed=sealed_numbers(campaign_id))
    for event in _events(campaign_id):
        data = event.data or {}
        problem = _apply(state, event.kind, data)
        if problem and state.problem is None:
            state.problem = ChainProblem(event.seq, f"événement n° {event.seq} : {problem}")
    return state


def _apply(state: Register, kind: str, data: dict[str, Any]) -> str | None:
    if kind == "receipt.issued":
        numbers = [str(n) for n in data.get("numbers", [])]
        clash = next((n for n in numbers if n in state.issued), None)
        state.issued.update((n, str(data.get("source"))) for n in numbers)
        return f"numéro {clash} enregistré deux fois" if clash else None
    number = str(data.get("number"))
    if kind == "receipt.assigned":
        problem = None
        if number not in state.issued:
            problem = f"numéro {number} attribué sans avoir été délivré par la CNCCFP"
        elif number in state.assigned or number in state.voided or number in state.sealed:
            problem = f"numéro {number} utilisé deux fois"
        state.assigned.setdefault(number, int(data.get("entry_id") or 0))
        return problem
    if kind == "receipt.voided":
        known = number in state.issued or number in state.sealed  # typed at booking too
        problem = None if known and number not in state.voided else \
            f"numéro {number} annulé sans être délivré, ou annulé deux fois"
        state.voided.setdefault(number, str(data.get("reason")))
        return problem
    return f"événement inconnu « {kind} »"


def _append(campaign: Campaign, kind: str, subject_id: int, data: dict[str, Any]) -> LedgerEvent:
    key = chain_key(campaign.id)
    last = db.session.execute(select(LedgerEvent.seq, LedgerEvent.hash).where(
        LedgerEvent.chain == key).order_by(LedgerEvent.seq.desc()).limit(1)).first()
    seq, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    fields = {"chain": key, "seq": seq, "kind": kind, "subject": SUBJECT,
              "subject_id": subject_id, "data": data,
              "recorded_at": utcnow().replace(microsecond=0)}
    db.session.execute(insert(LedgerEvent).values(
        **fields, campaign_id=campaign.id, election_id=campaign.election_id, prev_hash=prev,
        hash=event_digest(fields, prev)))
    return db.session.scalars(select(LedgerEvent).where(
        LedgerEvent.chain == key, LedgerEvent.seq == seq)).one()


def _locked(campaign_id: int) -> tuple[Campaign, Register]:
    require_transaction(db.session)
    campaign = lock_campaign(campaign_id)
    if campaign.mode == "petite-commune":
        raise LedgerError("DON-SMALL — Commune de moins de 9 000 habitants : pas de reçu-don, "
                          "les dons n'ouvrent pas de réduction d'impôt.")
    return campaign, register(campaign_id)


def sealed_numbers(campaign_id: int) -> dict[str, int]:
    """Numbers typed with a gift when it was booked (kept in its entry): number → entry id."""
    rows = db.session.execute(select(LedgerEntry.receipt_number, LedgerEntry.id).where(
        LedgerEntry.campaign_id == campaign_id, LedgerEntry.receipt_number.is_not(None)))
    return {str(number): int(entry_id) for number, entry_id in rows}


def number_in_use(campaign_id: int, number: str) -> bool:
    """DON-11: the number is already on a gift (its entry, or the register) or voided."""
    state = register(campaign_id)
    return number in state.sealed or number in state.assigned or number in state.voided


def issue(campaign_id: int, first: str, last: str, *, source: str, by_id: int | None) -> int:
    """Record the numbers the CNCCFP issued (a booklet's range, or Fin'Pol numbers)."""
    if source not in SOURCES:
        raise LedgerError("DON-11 — Origine des numéros : carnet de la CNCCFP ou Fin'Pol.")
    campaign, state = _locked(campaign_id)
    numbers = expand(first, last)
    taken = [n for n in numbers if n in state.issued]
    if taken:
        raise LedgerError(f"DON-11 — Le numéro {taken[0]} est déjà au registre : une série ne "
                          "s'enregistre qu'une fois.")
    _append(campaign, "receipt.issued", 0, {"numbers": numbers, "source": source,
                                             "first": numbers[0], "last": numbers[-1],
                                             "by": by_id})
    return len(numbers)


def assign(campaign_id: int, seq: int, number: str, *, issued_on: date,
           by_id: int | None) -> LedgerEvent:
    """Give the gift n° ``seq`` the receipt ``number`` (a number used once)."""
    campaign, state = _locked(campaign_id)
    number = number.strip()
    gift = db.session.scalar(select(LedgerEntry).where(
        LedgerEntry.campaign_id == campaign.id, LedgerEntry.seq == seq))
    if gift is None or gift.kind not in ("donation", "in_kind") or gift.demo:
        raise LedgerError(f"DON-11 — L'écriture n° {seq} n'est pas un don de cette campagne : "
                          "seul un don reçoit un reçu (pas un apport personnel, DON-12).")
    if db.session.scalar(select(LedgerEntry.id).where(
            LedgerEntry.id == gift.id, LedgerEntry.id.in_(reversed_ids()))):
        raise LedgerError(f"DON-11 — Le don n° {seq} a été annulé : pas de reçu.")
    if number not in state.issued:
        raise LedgerError(f"DON-11 — Le numéro {number} n'est pas au registre : enregistrez "
                          "d'abord le carnet ou les numéros Fin'Pol ; Estrade n'invente aucun "
                          "numéro.")
    if number in state.assigned or number in state.voided or number in state.sealed:
        raise LedgerError(f"DON-11 — Le numéro {number} est déjà utilisé ou annulé : un "
                          "numéro de reçu ne sert qu'une fois.")
    current = state.gift_numbers().get(gift.id) or (
        gift.receipt_number if gift.receipt_number not in state.voided else None)
    if current:
        raise LedgerError(f"DON-11 — Le don n° {seq} a déjà le reçu {current} : annulez-le "
                          "d'abord (avec son motif).")
    return _append(campaign, "receipt.assigned", gift.id, {
        "number": number, "entry_id": gift.id, "entry_seq": gift.seq,
        "issued_on": issued_on.isoformat(), "by": by_id})


def void(campaign_id: int, number: str, *, reason: str, by_id: int | None) -> LedgerEvent:
    """Void a number (spoilt, lost, a gift refunded): never reused, listed for the CNCCFP."""
    if not reason.strip():
        raise LedgerError("DON-11 — Une annulation de reçu doit être motivée.")
    campaign, state = _locked(campaign_id)
    number = number.strip()
    # A number typed when a gift was booked may lie outside any range recorded here: it is
    # voided all the same (DON-11: voided numbers are reported), and leaves its gift.
    if number not in state.issued and number not in state.sealed:
        raise LedgerError(f"DON-11 — Le numéro {number} n'est pas au registre.")
    if number in state.voided:
        raise LedgerError(f"DON-11 — Le numéro {number} est déjà annulé.")
    entry_id = state.assigned.get(number) or state.sealed.get(number)
    return _append(campaign, "receipt.voided", entry_id or 0, {
        "number": number, "reason": reason.strip(), "entry_id": entry_id, "by": by_id})


def receipt_numbers(campaign_id: int) -> dict[int, str]:
    """Gift entry id → its receipt number (the register's, else the one typed at booking,
    unless voided since: DON-11, a voided number is on no gift)."""
    state = register(campaign_id)
    numbers = {entry_id: number for number, entry_id in state.sealed.items()
               if number not in state.voided}
    numbers.update(state.gift_numbers())
    return numbers


def gifts_without_receipt(campaign_id: int) -> list[LedgerEntry]:
    """Gifts (card gifts too) still waiting for their receipt number."""
    numbered = receipt_numbers(campaign_id)
    gifts = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.campaign_id == campaign_id, LedgerEntry.kind.in_(("donation", "in_kind")),
        LedgerEntry.demo.is_(False), LedgerEntry.id.not_in(reversed_ids()))
        .order_by(LedgerEntry.seq))
    return [g for g in gifts if g.id not in numbered]


def unused_numbers(campaign_id: int) -> list[str]:
    """Issued, neither used nor voided: to give back to the CNCCFP with the account."""
    return register(campaign_id).unused()


def verify_register(campaign: Campaign) -> ChainProblem | None:
    """What the chain's digests cannot see: each number used once, issued by the CNCCFP,
    on a gift of this campaign."""
    state = register(campaign.id)
    if state.problem is not None:
        return state.problem
    gifts = set(db.session.scalars(select(LedgerEntry.id).where(
        LedgerEntry.campaign_id == campaign.id, LedgerEntry.kind.in_(("donation", "in_kind")))))
    for number, entry_id in state.assigned.items():
        if entry_id not in gifts:
            return ChainProblem(0, f"reçu {number} attribué à une écriture qui n'est pas un don "
                                   "de cette campagne")
    return None
