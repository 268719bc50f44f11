"""Stripe test fixtures (localstripe server, signed events, recording client)."""
