"""The application: the composition root that builds a process from settings, store, features,
platforms, web server and scheduler (``runtime.py``), the web server and its private health
listener (``web.py``, ``health.py``), and the ``inclusion-bot`` command line (``cli.py``).

It is the only package that knows every part: bot/ knows no platform, adapters/ know only their
platform and the core, scheduler/ only the core.
"""
