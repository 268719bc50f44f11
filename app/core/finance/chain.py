"""Hash chain of the append-only ledger (design.md: tampering is detectable).

Each entry's digest covers its own fields and the digest of the entry before it in the same
campaign, so altering, deleting or reordering a stored entry breaks every digest after it.
The evidence journal's events (flags, refund requests, donor decisions) are chained the same
way, and an anchor (a chain's head kept outside the database) shows a chain cut short or
rewritten from some entry on. Pure: entries and events are plain mappings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

GENESIS = "0" * 64

#: The fields covered by the digest, in a fixed order.
CHAINED_FIELDS: tuple[str, ...] = (
    "campaign_id", "seq", "kind", "amount_cents", "on", "method", "donor_id", "donor_snapshot",
    "source_ref", "receipt_number", "related_entry_seq", "recorded_by_id", "recorded_at",
    "reason", "rules", "details", "cumulative_cents", "demo",
)  # fmt: skip
#: Fields added after entries were first written: covered only when set, so the digests of
#: entries written before them stay what they were.
OPTIONAL_FIELDS: frozenset[str] = frozenset({"demo"})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical(fields: Mapping[str, Any]) -> str:
    data = {name: _plain(fields.get(name)) for name in CHAINED_FIELDS
            if name not in OPTIONAL_FIELDS or fields.get(name)}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_digest(fields: Mapping[str, Any], prev_hash: str) -> str:
    payload = f"{prev_hash}\n{canonical(fields)}".encode()
    return hashlib.sha256(payload).hexdigest()


#: Signed effect of each entry kind on the campaign's running balance (cents).
SIGN: dict[str, int] = {
    "donation": 1, "in_kind": 1, "collection": 1, "personal_contribution": 1,
    "party_contribution": 1, "loan": 1,
    "refund": -1, "fee": -1, "expense": -1, "in_kind_expense": -1, "loan_repayment": -1,
    "reversal": 1,  # amount_cents holds the signed opposite of the reversed entry
}  # fmt: skip


def signed_amount(kind: str, amount_cents: int) -> int:
    return SIGN[kind] * amount_cents


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str  # French, for the treasurer


def verify_chain(entries: Iterable[Mapping[str, Any]]) -> ChainProblem | None:
    """Check digests, sequence numbers and running totals; the first problem found, or None.

    ``entries`` are one campaign's entries in ``seq`` order, each with the CHAINED_FIELDS plus
    ``prev_hash`` and ``hash`` as stored.
    """
    prev = GENESIS
    expected_seq = 1
    running = 0
    for entry in entries:
        seq = entry["seq"]
        if seq != expected_seq:
            return ChainProblem(seq, f"écriture n° {expected_seq} manquante (trouvé n° {seq})")
        if entry["prev_hash"] != prev:
            return ChainProblem(seq, f"écriture n° {seq} : chaînage rompu (empreinte précédente "
                                     "différente)")
        if not entry.get("demo"):  # a demonstration payment moves no money
            running += signed_amount(entry["kind"], entry["amount_cents"])
        if entry["cumulative_cents"] != running:
            return ChainProblem(seq, f"écriture n° {seq} : total cumulé {entry['cumulative_cents']}"
                                     f" au lieu de {running} centimes")
        if entry_digest(entry, prev) != entry["hash"]:
            return ChainProblem(seq, f"écriture n° {seq} : contenu modifié après enregistrement")
        prev = entry["hash"]
        expected_seq += 1
    return None


# -- the evidence journal: flags, refund requests and donor decisions ------------------------
#
# What changes what a donor may give or what is owed back (DON-2, DON-16) but is not money is
# kept as rows the application updates (a flag is resolved, a refund request approved…). Each
# change of such a row is also an event, appended to its own chain: one per campaign for the
# DON-16 flags and refund requests, one per election for merges and keep-apart decisions (they
# span every site of the election). Each event carries the whole state of its row after the
# change, so the rows can be checked against the last event of each.

#: The fields of an event covered by its digest, in a fixed order.
EVENT_FIELDS: tuple[str, ...] = (
    "chain", "seq", "kind", "subject", "subject_id", "data", "recorded_at",
)  # fmt: skip


def plain(value: Any) -> Any:
    """A value as the journal stores it (dates and times in ISO 8601)."""
    return _plain(value)


def event_digest(fields: Mapping[str, Any], prev_hash: str) -> str:
    data = {name: _plain(fields.get(name)) for name in EVENT_FIELDS}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def verify_events(events: Iterable[Mapping[str, Any]], label: str) -> ChainProblem | None:
    """Check one chain of events (``seq`` order, EVENT_FIELDS plus ``prev_hash`` and
    ``hash``): the first problem, with ``label`` naming the journal in its French message."""
    prev = GENESIS
    expected_seq = 1
    for event in events:
        seq = event["seq"]
        if seq != expected_seq:
            return ChainProblem(seq, f"{label}, événement n° {expected_seq} manquant (trouvé "
                                     f"n° {seq})")
        if event["prev_hash"] != prev:
            return ChainProblem(seq, f"{label}, événement n° {seq} : chaînage rompu "
                                     "(empreinte précédente différente)")
        if event_digest(event, prev) != event["hash"]:
            return ChainProblem(seq, f"{label}, événement n° {seq} : contenu modifié après "
                                     "enregistrement")
        prev = event["hash"]
        expected_seq += 1
    return None


def replay(events: Iterable[Mapping[str, Any]]) -> dict[tuple[str, int], tuple[int, Any]]:
    """The state each subject should have now: ``(subject, id) → (seq, data)`` of its last
    event."""
    state: dict[tuple[str, int], tuple[int, Any]] = {}
    for event in events:
        state[(event["subject"], event["subject_id"])] = (event["seq"], event["data"])
    return state


# -- anchors: a chain's head kept outside the database ---------------------------------------


@dataclass(frozen=True)
class AnchorDifference:
    seq: int  # the first entry (or event) of the anchor that the database lost or changed
    truncated: bool  # lost (the chain is shorter) rather than changed
    exact: bool = True  # False when the anchor kept only its head: changed at ``seq`` or before


def compare_with_anchor(anchored_seq: int, anchored_hash: str,
                        anchored_digests: Sequence[str] | None,
                        current: Mapping[int, str]) -> AnchorDifference | None:
    """Where a chain now differs from what an anchor recorded of it, or None when the chain
    still starts with what was anchored (entries added since are fine).

    ``current`` maps each stored sequence number to its digest; ``anchored_digests`` are the
    anchored chain's digests in order (entry n° 1 first), when the anchor carries them. A
    digest covers the one before it, so the head alone proves the whole anchored prefix; the
    list only says which entry is the first to differ.
    """
    if anchored_seq <= 0:
        return None
    if anchored_digests is not None and len(anchored_digests) == anchored_seq:
        for seq, digest in enumerate(anchored_digests, start=1):
            if seq not in current:
                return AnchorDifference(seq, truncated=True)
            if current[seq] != digest:
                return AnchorDifference(seq, truncated=False)
        return None
    if anchored_seq not in current:
        first_missing = next(s for s in range(1, anchored_seq + 1) if s not in current)
        return AnchorDifference(first_missing, truncated=True)
    if current[anchored_seq] != anchored_hash:
        return AnchorDifference(anchored_seq, truncated=False, exact=False)
    return None
