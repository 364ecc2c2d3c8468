"""Anonymous reports of racism and harassment, routed to designated handlers.

The most important wall in the house: nothing that identifies a reporter is stored, logged or
sent unless they opt in. See docs/security.md for the threat model.
"""
