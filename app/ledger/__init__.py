"""The append-only finance ledger: every euro, whatever the channel, lands here once."""
