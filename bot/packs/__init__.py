"""Commitment packs: the programmes in the source documents, as content (see content.py)."""
