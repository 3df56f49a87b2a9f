"""``python -m pledgeflow`` is the ``pledgeflow`` command."""

from pledgeflow.cli import main

raise SystemExit(main())
