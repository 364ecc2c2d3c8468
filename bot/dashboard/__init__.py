"""The D&I lead's web dashboard: its sign-in links, sessions and audit log (the pages themselves
are the application's, in app/dashboard/, since they read every feature's tables)."""
