"""Test data builders and helpers shared by the whole suite (test modules never import each
other: what two of them need lives here or in ``tests/support/``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from app.dbutil import transaction

T = TypeVar("T")


def tx(action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one ledger or account action in its own transaction, as a view or a command does."""
    with transaction():
        return action(*args, **kwargs)
