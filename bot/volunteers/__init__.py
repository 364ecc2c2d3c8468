"""Time pledges and the volunteer directory: people offer time to outreach work."""
