"""Awareness dates: a calendar computed by well-kept libraries, posted to subscribed channels."""
