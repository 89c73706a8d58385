"""`python -m generator` runs the `register` command."""

from __future__ import annotations

from generator.cli import main

main()
