"""Pure compliance core: French campaign-finance rules over plain data (see README.md)."""
