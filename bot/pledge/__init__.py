"""The leader's pledge journey: signing, weekly check-ins, reminders, progress and summaries."""
