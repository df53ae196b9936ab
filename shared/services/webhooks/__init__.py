"""Outbound webhooks: endpoints, signed events, deliveries through Cloud Tasks."""
