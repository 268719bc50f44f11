"""The append-only finance ledger: every euro, whatever the channel, lands here once."""

# The evidence journal's flush hook must be in place whenever ledger rows can be written.
from app.ledger import evidence as _evidence  # noqa: F401
