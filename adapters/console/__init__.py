"""The terminal: a chat for people (numbered buttons, one prompt per field) and a JSON-lines
mode for scripts. Like errbot's TextBackend, it is also the harness the journey tests drive."""
