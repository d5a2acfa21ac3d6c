"""Each rule's precision and recall: the warnings the rules wrote against the faults injected.

A warning is right when it overlaps, in hours, a fault at the same unit, outlet and pollutant
that must or may raise its rule; a fault is found, for each rule it must raise, when a warning
of that rule overlaps it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.monitoring.rules import RULES


@dataclass
class Score:
    """One rule's counts: warnings, right ones; faults expected, found."""

    warnings: int = 0
    right: int = 0
    faults: int = 0
    found: int = 0

    @property
    def precision(self) -> float | None:
        """Share of the rule's warnings that are right (None without warnings)."""
        return self.right / self.warnings if self.warnings else None

    @property
    def recall(self) -> float | None:
        """Share of the faults that must raise the rule that did (None without faults)."""
        return self.found / self.faults if self.faults else None


def _place(item: dict) -> tuple[str, str, str]:
    return (item["unit_code"], item["outlet"], item["code"])


def _overlap(a: dict, b: dict) -> bool:
    return a["first"] <= b["last"] and b["first"] <= a["last"]


def score(warnings: Iterable[dict], faults: Iterable[dict]) -> dict[str, Score]:
    """Precision and recall counts of every rule."""
    by_place: dict[tuple[str, str, str], list[dict]] = {}
    for fault in faults:
        by_place.setdefault(_place(fault), []).append(fault)
    scores = {rule.id: Score() for rule in RULES}
    seen: set[tuple[int, str]] = set()
    for warning in warnings:
        rule = warning["rule"]
        scores[rule].warnings += 1
        near = [f for f in by_place.get(_place(warning), []) if _overlap(f, warning)]
        if any(rule in f["expect"] or rule in f["allow"] for f in near):
            scores[rule].right += 1
        seen.update((id(f), rule) for f in near if rule in f["expect"])
    for faults_here in by_place.values():
        for fault in faults_here:
            for rule in fault["expect"]:
                scores[rule].faults += 1
                scores[rule].found += (id(fault), rule) in seen
    return scores


def table(scores: dict[str, Score]) -> str:
    """The scores as the benchmark prints them."""
    lines = [f"{'rule':<16} {'warnings':>8} {'right':>6} {'faults':>6} {'found':>6}  "
             "precision  recall"]  # fmt: skip
    for rule, s in scores.items():
        p = "—" if s.precision is None else f"{s.precision:.3f}"
        r = "—" if s.recall is None else f"{s.recall:.3f}"
        lines.append(f"{rule:<16} {s.warnings:>8} {s.right:>6} {s.faults:>6} {s.found:>6}  "
                     f"{p:>9}  {r:>6}")  # fmt: skip
    return "\n".join(lines)
