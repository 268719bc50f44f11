"""The donor list annexed to the compte de campagne (REP-1), read row by row.

One row per donation with the R39-1 fields (DON-10), the CNCCFP receipt number when known
(DON-11: never invented), method, reference and the donor's running total against the
4,600 € cap for the whole election (DON-2: the other campaigns' gifts folded in as a sum,
never listed nor attributed); refunds appear as negative rows; totals by method close the file.
Money flagged DON-16 and not yet refunded is shown on its row but left out of the totals of
receipts (a line of its own says how much), and an export for filing the account is refused
while any remains. Every export ends with the heads of the campaign's chains and the time
(a sheet of its own in XLSX): whoever receives the file can later check that the ledger it
came from still holds what it showed (``estrade ledger verify``, docs/security-ledger.md).

The list is streamed: entries are read from the database in batches and written as they come
(CSV and TSV chunk by chunk, XLSX through openpyxl's write-only mode, :mod:`.export_xlsx`),
so 100,000 gifts never sit in memory at once (bench/export_bench.py).
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from app.campaigns.models import Campaign
from app.core.finance.chain import signed_amount
from app.core.finance.identity import FIELD_NAMES, IDENTITY_FIELDS
from app.core.finance.vocabulary import ENTRY_KINDS, PAYMENT_METHODS
from app.extensions import db
from app.ledger.errors import LedgerError
from app.ledger.facts import campaign_cap
from app.ledger.models import ComplianceFlag, Donor, LedgerEntry
from app.ledger.receipts import receipt_numbers
from app.ledger.totals import money_to_refund
from app.ledger.verify import french_time, heads
from app.timeutil import utcnow

CUMULATIVE = "Cumul du donateur pour l'élection (€, DON-2)"
COLUMNS = ("N° de reçu", "Date", *(field.label for field in IDENTITY_FIELDS), "Nature",
           "Montant (€)", "Mode de paiement", "Référence", CUMULATIVE, "Statut")
EXPORT_KINDS = ("donation", "in_kind", "collection", "refund")
AMOUNT, RUNNING = COLUMNS.index("Montant (€)"), COLUMNS.index(CUMULATIVE)
MONEY_COLUMNS = frozenset({AMOUNT, RUNNING})
FORMATS = ("csv", "tsv", "xlsx")
#: A cell starting with one of these is run as a formula by spreadsheets (OWASP "CSV
#: injection"); donors type their names on the public form.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 2000  # entries read per round trip, and rows per CSV chunk

Row = list[Any]  # text cells, and int cents (or None) in MONEY_COLUMNS


def inert(value: str | int) -> str | int:
    """Text a spreadsheet will show, never run: a leading apostrophe defuses a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def donor_money(entry: type[LedgerEntry]) -> Any:
    """Gifts, collections and refunds, and the reversals cancelling one of them (an unpaid
    cheque, a failed refund, a dispute won): what the donor list and the receipts add up.
    Demonstration payments are none of these: no money moved."""
    related = select(LedgerEntry.id).where(LedgerEntry.kind.in_(EXPORT_KINDS))
    return entry.demo.is_(False) & or_(
        entry.kind.in_(EXPORT_KINDS),
        (entry.kind == "reversal") & entry.related_entry_id.in_(related))


def euros(cents: int) -> str:
    """French decimal comma, no thousands separator: spreadsheets read it as a number."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100},{cents % 100:02d}"


def canonical_map(election_id: int) -> dict[int, int]:
    """Every donor record of the election → the record standing for the person (merges
    followed), read in one query rather than one per row."""
    parent: dict[int, int | None] = {
        int(donor_id): merged for donor_id, merged in db.session.execute(
            select(Donor.id, Donor.merged_into_id).where(Donor.election_id == election_id))}
    roots: dict[int, int] = {}
    for start in parent:
        current, seen = start, {start}
        while (target := parent.get(current)) is not None and target not in seen:
            seen.add(target)
            current = target
        roots[start] = current
    return roots


@dataclass
class ElsewhereSums:
    """A person's running total in the election's other campaigns, by day (never shown)."""

    days: list[date] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)

    def until(self, day: date) -> int:
        index = bisect_right(self.days, day)
        return self.totals[index - 1] if index else 0


def elsewhere_by_person(campaign: Campaign, person: dict[int, int]) -> dict[int, ElsewhereSums]:
    """DON-2 counts the person's gifts to every campaign of the election; the donor list of
    one campaign carries them only folded into its running total. GDPR (art. 9: a gift reveals
    a political opinion; rivals share the install): the other campaigns' gifts are never
    listed, dated or attributed, only added as a sum to this campaign's rows."""
    ours = {person.get(int(d), int(d)) for d in db.session.scalars(
        select(LedgerEntry.donor_id).distinct().where(
            LedgerEntry.campaign_id == campaign.id, LedgerEntry.donor_id.is_not(None)))
        if d is not None}
    found: dict[int, ElsewhereSums] = {}
    if not ours:
        return found
    rows = db.session.execute(select(LedgerEntry.donor_id, LedgerEntry.on, LedgerEntry.kind,
                                     LedgerEntry.amount_cents).where(
        LedgerEntry.election_id == campaign.election_id, LedgerEntry.campaign_id != campaign.id,
        LedgerEntry.donor_id.is_not(None), donor_money(LedgerEntry))
        .order_by(LedgerEntry.on, LedgerEntry.id))
    for donor_id, on, kind, amount in rows:
        if donor_id is None:
            continue
        root = person.get(int(donor_id), int(donor_id))
        if root not in ours:
            continue
        sums = found.setdefault(root, ElsewhereSums())
        sums.days.append(on)
        sums.totals.append((sums.totals[-1] if sums.totals else 0)
                           + signed_amount(kind, int(amount)))
    return found


@dataclass
class DonorList:
    """The donor list of one campaign, read once as rows are asked for; the totals are
    known once the rows are exhausted."""

    campaign: Campaign
    by_method: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    to_refund: dict[int, int] = field(default_factory=dict)
    count: int = 0

    def rows(self) -> Iterator[Row]:
        campaign = self.campaign
        flagged = {f.entry_id: f for f in db.session.scalars(select(ComplianceFlag).where(
            ComplianceFlag.campaign_id == campaign.id))}
        self.to_refund = money_to_refund(campaign.id)
        person = canonical_map(campaign.election_id)
        elsewhere = elsewhere_by_person(campaign, person)
        receipts = receipt_numbers(campaign.id)  # DON-11: the register's, card gifts too
        cumulative: dict[int, int] = defaultdict(int)
        # The identity and the reference are read out of their JSON by the database: much
        # cheaper than decoding each document in Python (bench/export_bench.py).
        query = (select(LedgerEntry.id, LedgerEntry.kind, LedgerEntry.amount_cents,
                        LedgerEntry.on, LedgerEntry.method, LedgerEntry.donor_id,
                        LedgerEntry.receipt_number, LedgerEntry.source_ref,
                        LedgerEntry.details["reference"].as_string(),
                        *(LedgerEntry.donor_snapshot[name].as_string() for name in FIELD_NAMES))
                 .where(LedgerEntry.campaign_id == campaign.id, donor_money(LedgerEntry))
                 .order_by(LedgerEntry.on, LedgerEntry.seq)
                 .execution_options(yield_per=BATCH))
        for (entry_id, kind, cents, on, method, donor_id, _receipt, source_ref, reference,
             *who) in db.session.connection().execute(query):
            amount = signed_amount(kind, cents)
            running = None
            if donor_id is not None:
                root = person.get(donor_id, donor_id)
                cumulative[root] += amount
                other = elsewhere.get(root)
                running = cumulative[root] + (other.until(on) if other else 0)
            status = ""
            if (flag := flagged.get(entry_id)) is not None:
                status = ("remboursé (DON-16)" if flag.resolved_entry_id else
                          f"à rembourser {euros(flag.amount_cents)} € ({flag.rule}, DON-16)")
            method = method or ""
            self.by_method[method] += amount - self.to_refund.get(entry_id, 0)
            identity = [(value or "").strip() for value in who]
            if kind == "collection" and not identity[1]:
                identity[1] = "Quête"
            self.count += 1
            yield [receipts.get(entry_id, ""), f"{on.day:02d}/{on.month:02d}/{on.year}", *identity,
                   ENTRY_KINDS.get(kind, kind), amount, PAYMENT_METHODS.get(method, method),
                   reference or source_ref or "", running, status]

    def totals(self) -> list[tuple[str, int]]:
        """Closing lines (label, cents), once :meth:`rows` is exhausted."""
        lines = [("Total " + PAYMENT_METHODS.get(m, m), c)
                 for m, c in sorted(self.by_method.items())]
        if self.to_refund:
            lines.append(("À rembourser, hors recettes (DON-16)", sum(self.to_refund.values())))
        lines.append(("Total des espèces et quêtes",
                      self.by_method.get("especes", 0) + self.by_method.get("quete", 0)))
        cap = campaign_cap(self.campaign)
        if cap is not None and cap.applies and cap.cents >= 1_500_000:
            lines.append(("Plafond des espèces (20 % du plafond de dépenses, DON-5)",
                          cap.cents // 5))
        lines.append(("Total général", sum(self.by_method.values())))
        return lines


def chain_rows(campaign: Campaign) -> list[list[str | int]]:
    """The heads of the campaign's chains as the export's closing lines."""
    rows: list[list[str | int]] = [
        [f"Têtes des chaînes du registre au {french_time(utcnow())}"],
        ["Chaîne", "Dernier n°", "Empreinte (SHA-256)"]]
    for head in heads(campaign):
        rows.append([head.label, head.seq, head.hash if head.seq else "vide"])
    return rows


def check_filing(campaign: Campaign) -> None:
    """DON-16: no donor list for filing the account while money awaits its refund."""
    if to_refund := money_to_refund(campaign.id):
        raise LedgerError(
            f"Export pour le dépôt du compte refusé : {len(to_refund)} don(s) dépassant le "
            f"plafond ou interdits ({euros(sum(to_refund.values()))} €) doivent d'abord être "
            "remboursés (DON-16). Voir « estrade refunds list ».")


#: Columns holding what someone typed (identity, receipt, reference): defused for spreadsheets.
TYPED = (0, *range(2, 2 + len(IDENTITY_FIELDS)), COLUMNS.index("Référence"))


def _text_row(row: Row) -> Row:
    for i in TYPED:
        value = row[i]
        if value and value[0] in "=+-@\t\r":
            row[i] = "'" + value
    row[AMOUNT] = euros(row[AMOUNT])
    running = row[RUNNING]
    row[RUNNING] = "" if running is None else euros(running)
    return row


def build_rows(campaign: Campaign) -> tuple[list[Row], list[list[str]]]:
    """The rows and closing totals as the CSV writes them (text), read at once: for tests and
    small lists; downloads stream through :func:`text_chunks`."""
    listing = DonorList(campaign)
    rows = [_text_row(row) for row in listing.rows()]
    return rows, [[label, euros(cents)] for label, cents in listing.totals()]


def text_chunks(campaign: Campaign, fmt: str, listing: DonorList | None = None
                ) -> Iterator[bytes]:
    """The CSV (``;``, with a BOM: French Excel reads UTF-8 only with it) or the TSV for
    Fin'Pol (REP-2: tab-separated UTF-8, no BOM), in chunks of encoded bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if fmt == "csv" else "\t", lineterminator="\r\n")

    def flush() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(COLUMNS)
    yield ("\ufeff" if fmt == "csv" else "").encode() + flush()
    listing = listing or DonorList(campaign)
    for n, row in enumerate(listing.rows(), 1):
        writer.writerow(_text_row(row))
        if n % BATCH == 0:
            yield flush()
    writer.writerow([])
    writer.writerows([label, euros(cents)] for label, cents in listing.totals())
    writer.writerow([])
    writer.writerows(chain_rows(campaign))
    yield flush()
