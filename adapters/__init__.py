"""Adapters: how the neutral core looks on each surface, one folder per platform (console, Slack,
Teams), each declared in its platform.py and listed in platforms.py."""
