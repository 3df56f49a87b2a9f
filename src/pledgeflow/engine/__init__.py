"""The planner: pure Python, numpy and solvers; it never imports Django.

Input is a :class:`~pledgeflow.engine.model.Scenario` (read and checked by
:mod:`pledgeflow.engine.scenario`); output is a ``pledgeflow/plan-v1`` plan.
"""
