"""The D&I lead's web dashboard at /admin/: pages that read every feature's tables, so it lives
in the application (which knows every part), while its sign-in links, sessions and audit log
are a feature of the core (bot/dashboard/)."""
