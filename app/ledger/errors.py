"""The ledger's refusals."""

from __future__ import annotations


class LedgerError(ValueError):
    """A French message for the treasurer: nothing was written."""
