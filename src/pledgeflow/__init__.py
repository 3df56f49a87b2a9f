"""pledgeflow: coordinate multinational security assistance and training.

The package holds two halves that never mix: :mod:`pledgeflow.engine`, the pure planner (no Django), and the
system of record (one Django app per bounded context) configured by :mod:`pledgeflow.site`.
"""

__version__ = "0.1.0"
