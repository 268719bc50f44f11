"""`estrade donations import`: offline gifts (cheques, transfers, cash…) from a spreadsheet.

The whole file is read and checked first: a malformed file (bad header, encoding, date,
amount or mode) stops with the row and column named and writes nothing. Each row then goes
through the compliance core; refused rows are not written, and the accepted ones are
committed together by the command (or rolled back with ``--dry-run``). Re-importing a file adds
nothing twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.core.finance.donors import normalise_name
from app.core.finance.identity import IDENTITY_FIELDS, Identity
from app.core.finance.money import MoneyError, parse_amount
from app.core.finance.vocabulary import PAYMENT_METHODS
from app.dbutil import require_transaction
from app.extensions import db
from app.ledger.gifts import DonorIdentity, GiftInput, GiftOutcome, record_gift

REQUIRED = ("date", *(f.name for f in IDENTITY_FIELDS if f.required), "personne_physique",
            "montant", "mode")
OPTIONAL = (*(f.name for f in IDENTITY_FIELDS if not f.required), "reference", "recu")
MODES = tuple(PAYMENT_METHODS)
YES, NO = {"oui", "o", "yes", "y", "1", "vrai", "x"}, {"non", "n", "no", "0", "faux"}


class ImportFileError(ValueError):
    """The file cannot be read as a whole: nothing is written."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        where = []
        if row is not None:
            where.append(f"ligne {row}")
        if column:
            where.append(f"colonne « {column} »")
        super().__init__((", ".join(where) + " : " if where else "") + message)
        self.row, self.column = row, column


@dataclass(frozen=True)
class ImportRow:
    number: int  # 1 = first data row
    line: int  # line in the file (header = 1)
    values: dict[str, str]
    on: date
    amount_cents: int
    method: str
    natural_person: bool
    source_ref: str = ""


@dataclass
class RowResult:
    row: int
    status: str
    rules: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    duplicate: bool = False

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"row": self.row, "status": self.status, "rules": self.rules,
                                "messages": self.messages}
        if self.duplicate:
            data["duplicate"] = True
        return data


def _header_name(raw: str) -> str:
    return normalise_name(raw).replace(" ", "_")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError("le fichier n'est pas encodé en UTF-8 (enregistrez-le en "
                              "« CSV UTF-8 » depuis votre tableur).", row=line) from None


def _parse_date(raw: str, line: int) -> date:
    text = raw.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ImportFileError(f"date invalide « {raw} » (attendu JJ/MM/AAAA ou AAAA-MM-JJ).",
                          row=line, column="date")


def parse_file(data: bytes) -> list[ImportRow]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("le fichier est vide.") from None
    names = [_header_name(h) for h in header]
    unknown = [h for h, n in zip(header, names, strict=True) if n not in REQUIRED + OPTIONAL]
    missing = [n for n in REQUIRED if n not in names]
    if unknown or missing or len(set(names)) != len(names):
        parts = []
        if missing:
            parts.append("colonnes manquantes : " + ", ".join(missing))
        if unknown:
            parts.append("colonnes inconnues : " + ", ".join(unknown))
        if len(set(names)) != len(names):
            parts.append("colonne en double")
        raise ImportFileError("en-tête invalide (" + " ; ".join(parts) + "). Colonnes "
                              "attendues : " + ", ".join(REQUIRED + OPTIONAL) + ".", row=1)
    rows: list[ImportRow] = []
    seen: Counter[str] = Counter()
    for number, cells in enumerate(reader, start=1):
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(names):
            raise ImportFileError(f"{len(cells)} cellules au lieu de {len(names)} "
                                  f"(séparateur « {delimiter} »).", row=line)
        values = {n: c.strip() for n, c in zip(names, cells, strict=True)}
        on = _parse_date(values["date"], line)
        try:
            amount = parse_amount(values["montant"])
        except MoneyError as exc:
            raise ImportFileError(str(exc), row=line, column="montant") from None
        method = _header_name(values["mode"])
        if method not in MODES:
            raise ImportFileError(f"mode de paiement inconnu « {values['mode']} » (attendu : "
                                  + ", ".join(MODES) + ").", row=line, column="mode")
        physical = values["personne_physique"].lower()
        if physical not in YES | NO and method != "quete":
            raise ImportFileError(f"« {values['personne_physique']} » : indiquez oui ou non.",
                                  row=line, column="personne_physique")
        key = "|".join(values.get(k, "") for k in REQUIRED + OPTIONAL)
        seen[key] += 1
        digest = hashlib.sha256(f"{key}#{seen[key]}".encode()).hexdigest()[:40]
        rows.append(ImportRow(number, line, values, on, amount, method, physical in YES,
                              f"import:{digest}"))
    return rows


def _identity(row: ImportRow) -> DonorIdentity | None:
    if row.method == "quete":
        return None
    # A paper gift's attestations are on the CNCCFP form the donor signed (DON-1, DON-11).
    return DonorIdentity(**Identity.from_mapping(row.values).as_dict(),
                         natural_person=row.natural_person, attests_eligibility=True)


def _result(row: ImportRow, outcome: GiftOutcome) -> RowResult:
    if outcome.duplicate:
        return RowResult(row.number, "accepted", [], ["Déjà importé : ignoré."], duplicate=True)
    return RowResult(row.number, outcome.decision.status, list(outcome.decision.rules),
                     list(outcome.decision.messages))


def import_gifts(path: Path, campaign_id: int, *, recorded_by_id: int | None
                 ) -> list[RowResult]:
    """Book the file's rows in the caller's transaction (``estrade donations import`` owns
    it, and rolls it back for ``--dry-run``). A malformed file raises before any booking."""
    rows = parse_file(path.read_bytes())
    require_transaction(db.session)
    results: list[RowResult] = []
    for row in rows:
        outcome = record_gift(GiftInput(
            campaign_id=campaign_id, amount_cents=row.amount_cents, on=row.on,
            method=row.method, identity=_identity(row), source_ref=row.source_ref,
            receipt_number=row.values.get("recu") or None,
            reason=f"Import {path.name}, ligne {row.line}",
            details={"reference": row.values.get("reference", ""), "file": path.name},
            recorded_by_id=recorded_by_id))
        results.append(_result(row, outcome))
    return results
