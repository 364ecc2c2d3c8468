"""Slack: the neutral model rendered as Block Kit, served by Bolt (HTTP or Socket Mode).

Every import of slack_bolt and slack_sdk stays inside this folder.
"""
