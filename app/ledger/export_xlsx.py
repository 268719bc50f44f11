"""The donor list as XLSX through openpyxl's write-only mode: each row goes to a temporary
file as it is read, so memory stays flat however many gifts there are (bench/export_bench.py).
Money is written as numbers in euros with a euro format; text never becomes a formula."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.campaigns.models import Campaign
from app.ledger.donor_list import COLUMNS, MONEY_COLUMNS, DonorList, chain_rows

MONEY_FORMAT = '#,##0.00 "€"'


class Cells:
    """Makes write-only cells (only where a style or a type must be forced)."""

    def __init__(self, sheet: Any) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self.sheet, self.make, self.bold = sheet, WriteOnlyCell, Font(bold=True)

    def money(self, cents: int | None) -> Any:
        if cents is None:
            return None
        cell = self.make(self.sheet, value=Decimal(cents) / 100)
        cell.number_format = MONEY_FORMAT
        return cell

    def text(self, value: Any) -> Any:
        if value == "":
            return None  # no cell at all: a third fewer to write
        if isinstance(value, str) and value.startswith("="):
            cell = self.make(self.sheet, value=value)
            cell.data_type = "s"  # openpyxl took it for a formula: keep it text
            return cell
        return value

    def heading(self, value: str) -> Any:
        cell = self.make(self.sheet, value=value)
        cell.font = self.bold
        return cell


def write_donors_xlsx(campaign: Campaign, handle: Any) -> int:
    """Write the « Donateurs » and « Registre » sheets to a binary file object."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Donateurs")
    cells = Cells(sheet)
    widths = {"A": 14, "B": 11, "D": 20, "E": 18, "F": 30, "H": 18, "L": 12, "N": 28}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.append([cells.heading(name) for name in COLUMNS])
    listing = DonorList(campaign)
    for row in listing.rows():
        sheet.append([cells.money(v) if i in MONEY_COLUMNS else cells.text(v)
                      for i, v in enumerate(row)])
    sheet.append([])
    for label, cents in listing.totals():
        sheet.append([cells.heading(label), cells.money(cents)])
    registry = book.create_sheet("Registre")
    registry.column_dimensions["A"].width = 60
    registry.column_dimensions["C"].width = 70
    for line in chain_rows(campaign):
        registry.append(line)
    book.save(handle)
    return listing.count
