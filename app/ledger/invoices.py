"""Invoice files attached to expenses: stored by content (SHA-256), written atomically.

The file is written (temporary file, fsync, rename) before the entry that names it is
booked; its digest is in the entry's chained details, so ``estrade ledger verify`` finds a
file missing or changed. A booking that fails leaves at most an unreferenced file, which the
same upload reuses.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from flask import current_app

from app.fileutil import atomic_write_bytes
from app.ledger.errors import LedgerError

#: What an invoice may be: a PDF or a photo of it.
INVOICE_TYPES = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8", ".jpeg": b"\xff\xd8"}
MAX_INVOICE_BYTES = 10 * 1024 * 1024


def invoice_root() -> Path:
    return Path(current_app.instance_path) / "justificatifs"


def store_invoice(campaign_id: int, filename: str, data: bytes) -> dict[str, Any]:
    """Keep ``data`` as the invoice of an expense of ``campaign_id``; what the entry records."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in INVOICE_TYPES or not data.startswith(INVOICE_TYPES[suffix]):
        raise LedgerError("Justificatif refusé : joignez la facture en PDF, PNG ou JPEG.")
    if len(data) > MAX_INVOICE_BYTES:
        raise LedgerError("Justificatif trop lourd : 10 Mo au plus.")
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{int(campaign_id)}/{digest}{suffix}"
    path = invoice_root() / relative
    if not path.exists():
        atomic_write_bytes(path, data, mode=0o640)
    name = re.sub(r"[^\w.\- ]+", "_", Path(filename).name)[:120]
    return {"file": relative, "sha256": digest, "size": len(data), "name": name}


def invoice_problem(invoice: dict[str, Any]) -> str | None:
    """Why an entry's invoice is not what was booked (French), or None."""
    path = invoice_root() / str(invoice.get("file", ""))
    if not path.is_file():
        return f"justificatif « {invoice.get('name')} » introuvable"
    if hashlib.sha256(path.read_bytes()).hexdigest() != invoice.get("sha256"):
        return f"justificatif « {invoice.get('name')} » modifié après enregistrement"
    return None


def invoice_path(invoice: dict[str, Any]) -> Path:
    return invoice_root() / str(invoice["file"])
