"""Hash chain of the append-only ledger (design.md: tampering is detectable).

Each entry's digest covers its own fields and the digest of the entry before it in the same
campaign, so altering, deleting or reordering a stored entry breaks every digest after it.
Pure: entries are plain mappings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
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
    "refund": -1, "fee": -1, "expense": -1, "in_kind_expense": -1,
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
