"""Donations: the public form, the Stripe gateway and the webhook handler."""
