"""`estrade donations export` and the treasurer's download: the donor list (REP-1) written
as CSV, TSV (REP-2) or XLSX (:mod:`.donor_list` reads the rows, :mod:`.export_xlsx` writes the
spreadsheet)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from app.campaigns.models import Campaign
from app.ledger.donor_list import (
    COLUMNS,
    CUMULATIVE,
    FORMATS,
    DonorList,
    build_rows,
    check_filing,
    donor_money,
    euros,
    inert,
    text_chunks,
)
from app.ledger.errors import LedgerError

__all__ = ["COLUMNS", "CUMULATIVE", "build_rows", "donor_money", "euros", "export_donors",
           "inert", "write_donors"]


def write_donors(campaign: Campaign, fmt: str, handle: Any) -> int:
    """Write the donor list in ``fmt`` to a binary file object; the number of rows."""
    if fmt not in FORMATS:
        raise LedgerError(f"Format inconnu « {fmt} » (csv, tsv ou xlsx).")
    if fmt == "xlsx":
        from app.ledger.export_xlsx import write_donors_xlsx

        return write_donors_xlsx(campaign, handle)
    listing = DonorList(campaign)
    for chunk in text_chunks(campaign, fmt, listing):
        handle.write(chunk)
    return listing.count


def export_donors(campaign: Campaign, fmt: str, out: Path, *, for_filing: bool = False) -> int:
    """Write the donor list to ``out`` atomically (a temporary file beside it, then a rename);
    ``for_filing`` refuses while DON-16 money awaits its refund."""
    if for_filing:
        check_filing(campaign)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            count = write_donors(campaign, fmt, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
