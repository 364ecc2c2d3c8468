"""The platform-neutral core of inclusion-bot.

It decides what to say and when; it never imports an adapter, a platform SDK or the scheduler.
"""
