"""How the officer's case page lays out the actions it offers: the next step first, the rest folded.

The workflow table (``feedback.workflow``) says which actions may be taken; this table says how
each is presented: the steps that move a case forward, in the order a case runs through them,
open at the top; negative actions (refusing, suspending) styled apart so "不予受理" never looks
like "受理"; everything else folded under its label.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The steps that move a case forward, in the order a case meets them.
NEXT_STEPS = (
    "accept",
    "resume",
    "assign",
    "investigate",
    "conclude",
    "verify",
    "order_rectification",
    "close",
)
#: Actions that refuse, stop or pause: shown apart, with a warning style.
NEGATIVE = ("not_accept", "suspend")
#: Everything else, in the order a desk officer reaches for them.
OTHER = ("reply", "note", "extend", "transfer", "moderate", "reward")


@dataclass(frozen=True, slots=True)
class Arranged:
    """The actions of one case page, by how they are shown."""

    next_steps: list[str]
    other: list[str]
    negative: list[str]


def arrange(available: list[str]) -> Arranged:
    """Sort the available actions into next steps (in case order), other and negative ones."""
    offered = set(available)
    known = set(NEXT_STEPS) | set(NEGATIVE) | set(OTHER)
    return Arranged(
        next_steps=[a for a in NEXT_STEPS if a in offered],
        other=[a for a in OTHER if a in offered] + [a for a in available if a not in known],
        negative=[a for a in NEGATIVE if a in offered],
    )
