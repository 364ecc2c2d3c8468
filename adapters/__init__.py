"""Adapters: how the neutral core looks on each surface (console now; Slack and Teams next)."""
