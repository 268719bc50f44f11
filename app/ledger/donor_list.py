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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

from sqlalchemy import or_, select

from app.campaigns.models import Campaign
from app.core.finance.chain import SIGN, signed_amount
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
#: Columns holding what someone typed (receipt, identity, reference): defused for spreadsheets.
TYPED = (0, *range(2, 2 + len(IDENTITY_FIELDS)), COLUMNS.index("Référence"))
MONEY_COLUMNS = frozenset({AMOUNT, RUNNING})
FORMATS = ("csv", "tsv", "xlsx")
#: A cell starting with one of these is run as a formula by spreadsheets (OWASP "CSV
#: injection"); donors type their names on the public form.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_CHARS = "".join(FORMULA_STARTS)
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


class _EuroText(dict[int, str]):
    """:func:`euros`, each amount formatted once (a list holds few distinct amounts and
    running totals); emptied when it grows past ``limit`` so memory stays flat."""

    def __init__(self, limit: int = 50_000) -> None:
        super().__init__()
        self.limit = limit

    def __call__(self, cents: int) -> str:
        text = self.get(cents)
        if text is None:
            if len(self) >= self.limit:
                self.clear()
            text = self[cents] = euros(cents)
        return text


def canonical_map(election_id: int, *, merged_only: bool = False) -> dict[int, int]:
    """Every donor record of the election → the record standing for the person (merges
    followed), read in one query rather than one per row. ``merged_only`` leaves out the
    records standing for themselves (most of them: look up with ``.get(id, id)``)."""
    query = select(Donor.id, Donor.merged_into_id).where(Donor.election_id == election_id)
    if merged_only:
        query = query.where(Donor.merged_into_id.is_not(None))
    parent: dict[int, int | None] = {
        int(donor_id): merged for donor_id, merged in db.session.execute(query)}
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
    found: dict[int, ElsewhereSums] = {}
    rows = db.session.execute(select(LedgerEntry.donor_id, LedgerEntry.on, LedgerEntry.kind,
                                     LedgerEntry.amount_cents).where(
        LedgerEntry.election_id == campaign.election_id, LedgerEntry.campaign_id != campaign.id,
        LedgerEntry.donor_id.is_not(None), donor_money(LedgerEntry))
        .order_by(LedgerEntry.on, LedgerEntry.id))
    first = rows.fetchone()
    if first is None:  # the usual case: no other campaign of the election took a gift here
        return found
    ours = {person.get(int(d), int(d)) for d in db.session.scalars(
        select(LedgerEntry.donor_id).distinct().where(
            LedgerEntry.campaign_id == campaign.id, LedgerEntry.donor_id.is_not(None)))
        if d is not None}
    for donor_id, on, kind, amount in chain([first], rows):
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

    def rows(self, *, text: bool = False) -> Iterator[Row]:
        """One row per entry, in date order. With ``text`` the cells are what the CSV and TSV
        write: money in French decimals, typed text defused (:func:`inert`); without it money
        stays in int cents for the XLSX writer.

        This loop runs 100,000 times for a large campaign (acceptance 5), so everything that
        can be done once is: labels and signs are looked up in local dicts, a day's text is
        made once per day (rows come in date order), euros are formatted once per amount, and
        only the typed cells are checked for a formula start."""
        campaign = self.campaign
        flagged = {f.entry_id: f for f in db.session.scalars(select(ComplianceFlag).where(
            ComplianceFlag.campaign_id == campaign.id))}
        self.to_refund = to_refund = money_to_refund(campaign.id)
        person = canonical_map(campaign.election_id, merged_only=True)
        elsewhere = elsewhere_by_person(campaign, person)
        receipts = receipt_numbers(campaign.id)  # DON-11: the register's, card gifts too
        cumulative: dict[int, int] = defaultdict(int)
        by_method = self.by_method
        kinds, methods, sign = ENTRY_KINDS, PAYMENT_METHODS, SIGN
        money: Callable[[int], str | int] = _EuroText() if text else int
        last_on: date | None = None
        day = ""
        # A lean Core query, read in batches (no ORM object per row); the identity and the
        # reference are read out of their JSON by the database: much cheaper than decoding
        # each document in Python (bench/export_bench.py).
        query = (select(LedgerEntry.id, LedgerEntry.kind, LedgerEntry.amount_cents,
                        LedgerEntry.on, LedgerEntry.method, LedgerEntry.donor_id,
                        LedgerEntry.source_ref, LedgerEntry.details["reference"].as_string(),
                        *(LedgerEntry.donor_snapshot[name].as_string() for name in FIELD_NAMES))
                 .where(LedgerEntry.campaign_id == campaign.id, donor_money(LedgerEntry))
                 .order_by(LedgerEntry.on, LedgerEntry.seq)
                 .execution_options(yield_per=BATCH))
        result = db.session.connection().execute(query)
        for batch in result.partitions():
            for (entry_id, kind, cents, on, method, donor_id, source_ref, reference,
                 *who) in batch:
                amount = sign[kind] * cents
                running: int | str | None = None
                if donor_id is not None:
                    root = person.get(donor_id, donor_id)
                    cumulative[root] += amount
                    running = cumulative[root]
                    if (other := elsewhere.get(root)) is not None:
                        running += other.until(on)
                    running = money(running)
                elif text:
                    running = ""
                status = ""
                if (flag := flagged.get(entry_id)) is not None:
                    status = ("remboursé (DON-16)" if flag.resolved_entry_id else
                              f"à rembourser {euros(flag.amount_cents)} € ({flag.rule}, DON-16)")
                method = method or ""
                by_method[method] += amount - to_refund.get(entry_id, 0)
                identity = [(value or "").strip() for value in who]
                if kind == "collection" and not identity[1]:
                    identity[1] = "Quête"
                if on != last_on:
                    last_on, day = on, f"{on.day:02d}/{on.month:02d}/{on.year}"
                row = [receipts.get(entry_id, ""), day, *identity, kinds.get(kind, kind),
                       money(amount), methods.get(method, method),
                       reference or source_ref or "", running, status]
                if text:
                    for i in TYPED:
                        if (value := row[i]) and value[0] in FORMULA_CHARS:
                            row[i] = "'" + value
                self.count += 1
                yield row

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


def build_rows(campaign: Campaign) -> tuple[list[Row], list[list[str]]]:
    """The rows and closing totals as the CSV writes them (text), read at once: for tests and
    small lists; downloads stream through :func:`text_chunks`."""
    listing = DonorList(campaign)
    rows = list(listing.rows(text=True))
    return rows, [[label, euros(cents)] for label, cents in listing.totals()]


def text_chunks(campaign: Campaign, fmt: str, listing: DonorList | None = None
                ) -> Iterator[bytes]:
    """The CSV (``;``, with a BOM: French Excel reads UTF-8 only with it) or the TSV for
    Fin'Pol (REP-2: tab-separated UTF-8, no BOM), in chunks of encoded bytes."""
    buffer = io.StringIO()
    separator = ";" if fmt == "csv" else "\t"
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")

    def flush() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(COLUMNS)
    yield ("\ufeff" if fmt == "csv" else "").encode() + flush()
    listing = listing or DonorList(campaign)
    write, separators = buffer.write, len(COLUMNS) - 1
    for n, row in enumerate(listing.rows(text=True), 1):
        # A row needing no quotes (nearly all) is joined as is: what csv.writer would write,
        # at a fifth of its cost; any other goes through csv.writer's quoting.
        line = separator.join(row)
        if line.count(separator) != separators or '"' in line or "\n" in line or "\r" in line:
            writer.writerow(row)
        else:
            write(line + "\r\n")
        if n % BATCH == 0:
            yield flush()
    writer.writerow([])
    writer.writerows([label, euros(cents)] for label, cents in listing.totals())
    writer.writerow([])
    writer.writerows(chain_rows(campaign))
    yield flush()
