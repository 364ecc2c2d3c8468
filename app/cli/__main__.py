"""``python -m app.cli``: what the tests run, through the interpreter running them."""

from app.cli import main

main()
