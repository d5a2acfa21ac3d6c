"""The public list of draws the build reads (``draws_file``, docs/draws.md): standing draws
only, unit codes and counts; no officer names or logins, no seed inputs."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from feedback.draws.models import Draw
from feedback.extensions import db
from generator import clock


def public_record(draw: Draw) -> dict[str, Any]:
    """What the public sees of one draw."""
    inputs = json.loads(draw.inputs)
    result = json.loads(draw.result)
    return {
        "id": draw.id,
        "body": draw.body_id,
        "period": draw.period,
        "drawn_on": draw.drawn_on.isoformat(),
        "units": sorted(result["units"]),
        "inspectors": len(result["inspectors"]),
        "library": len(inputs["library"]),
        "inputs_digest": draw.inputs_digest,
    }


def public_draws() -> dict[str, Any]:
    """Every standing draw, sorted by body, period and number; the day of the export."""
    query = select(Draw).where(Draw.active_key.is_not(None))
    found = sorted(db.session.scalars(query), key=lambda d: (d.body_id, d.period, d.id))
    return {"as_of": clock.china_today().isoformat(), "draws": [public_record(d) for d in found]}
