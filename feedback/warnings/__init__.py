"""Monitoring warnings (预警) in the service: imported from the build's warnings file into the
officers' queue of the responsible body; confirmed (a ledger item), dismissed with a reason,
explained by the enterprise with evidence, the explanation accepted or rejected."""
