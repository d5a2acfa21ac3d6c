"""The service layer views call for reads and writes: one module per concept, no request needed.

Views never query the database themselves; the queries live here (as FixMyStreet keeps them
in result-set classes). Writes that follow the workflow stay in ``feedback.actions``,
``feedback.followup`` and ``feedback.cases``.
"""
