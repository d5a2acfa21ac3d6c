"""How a draw picks (双随机): from its recorded inputs and seed alone, so anyone can re-run it.

Every unit and inspector gets a number from SHA-256 of the seed and its code (or login):
``u = (int(sha256(seed ":" kind ":" code)) + 1) / (2**256 + 1)``, strictly between 0 and 1.
A unit's key is ``u ** (1 / weight)`` (weighted sampling without replacement, Efraimidis and
Spirakis 2006): weight 1 for most, the positive-list weight for units on the positive list;
the units with the largest keys are drawn. Inspectors all weigh 1. Nothing depends on
Python's random module, the order of the inputs or the machine: the inputs are sorted and
their canonical JSON is digested (SHA-256), and the same seed and inputs give the same result.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
from dataclasses import asdict, dataclass, field

#: The JSON of the inputs is written the same way every time, so its digest is stable.
_CANONICAL = {"ensure_ascii": False, "sort_keys": True, "separators": (",", ":")}


@dataclass(frozen=True)
class DrawInputs:
    """Everything a draw depends on besides its seed, sorted (see ``sorted_inputs``)."""

    body: str
    period: str
    units_wanted: int
    inspectors_wanted: int
    #: Every unit of the body's area (the library), by code.
    library: tuple[str, ...]
    #: Officer logins of the body (the inspectors' library).
    inspectors: tuple[str, ...]
    #: Units left out: (code, reason), drawn recently or excluded by the officer.
    excluded: tuple[tuple[str, str], ...] = ()
    #: Units on the positive list on the draw's day, drawn at ``positive_weight``.
    positive: tuple[str, ...] = ()
    positive_weight: float = 1.0

    def to_json(self) -> str:
        """The canonical JSON of the inputs (what is recorded and digested)."""
        return json.dumps(asdict(self), **_CANONICAL)  # type: ignore[arg-type]

    @property
    def digest(self) -> str:
        """SHA-256 of the canonical JSON, hex."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    @classmethod
    def from_json(cls, text: str) -> DrawInputs:
        """The inputs recorded as ``to_json`` wrote them."""
        data = json.loads(text)
        return cls(
            body=data["body"],
            period=data["period"],
            units_wanted=int(data["units_wanted"]),
            inspectors_wanted=int(data["inspectors_wanted"]),
            library=tuple(data["library"]),
            inspectors=tuple(data["inspectors"]),
            excluded=tuple((c, r) for c, r in data["excluded"]),
            positive=tuple(data["positive"]),
            positive_weight=float(data["positive_weight"]),
        )


def sorted_inputs(inputs: DrawInputs) -> DrawInputs:
    """``inputs`` with every list sorted and without repeats (the order never matters)."""
    excluded = dict(sorted(inputs.excluded))
    return DrawInputs(
        inputs.body,
        inputs.period,
        inputs.units_wanted,
        inputs.inspectors_wanted,
        tuple(sorted(set(inputs.library))),
        tuple(sorted(set(inputs.inspectors))),
        tuple(sorted(excluded.items())),
        tuple(sorted(set(inputs.positive) & set(inputs.library))),
        inputs.positive_weight,
    )


@dataclass(frozen=True)
class DrawResult:
    """The units and inspectors drawn, each sorted by code or login."""

    units: tuple[str, ...]
    inspectors: tuple[str, ...]
    #: Units that could be drawn at all (the library less the excluded).
    eligible: int = 0
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> str:
        """The canonical JSON of the result (what is recorded)."""
        return json.dumps({"units": self.units, "inspectors": self.inspectors}, **_CANONICAL)  # type: ignore[arg-type]


def new_seed() -> str:
    """A fresh seed from the operating system's CSPRNG (256 bits, hex)."""
    return secrets.token_hex(32)


def uniform(seed: str, kind: str, code: str) -> float:
    """The number of ``code`` under ``seed``, strictly between 0 and 1."""
    value = int.from_bytes(hashlib.sha256(f"{seed}:{kind}:{code}".encode()).digest(), "big")
    return (value + 1) / (2**256 + 1)


def _pick(seed: str, kind: str, codes: list[str], weights: dict[str, float], n: int) -> list[str]:
    """The ``n`` codes with the largest keys ``u ** (1 / w)`` (compared as ``log(u) / w``)."""
    keyed = sorted(
        ((math.log(uniform(seed, kind, c)) / weights.get(c, 1.0), c) for c in codes), reverse=True
    )
    return sorted(code for _, code in keyed[:n])


def run_draw(inputs: DrawInputs, seed: str) -> DrawResult:
    """Draw from ``inputs`` with ``seed``; the same arguments always give the same result."""
    inputs = sorted_inputs(inputs)
    out = {code for code, _ in inputs.excluded}
    eligible = [c for c in inputs.library if c not in out]
    weights = {c: inputs.positive_weight for c in inputs.positive}
    units = _pick(seed, "unit", eligible, weights, inputs.units_wanted)
    people = _pick(seed, "inspector", list(inputs.inspectors), {}, inputs.inspectors_wanted)
    notes = []
    if len(units) < inputs.units_wanted:
        notes.append(f"可抽取的单位只有 {len(eligible)} 个，少于要抽取的 {inputs.units_wanted} 个")
    if len(people) < inputs.inspectors_wanted:
        notes.append(
            f"执法人员只有 {len(inputs.inspectors)} 名，少于要抽取的 {inputs.inspectors_wanted} 名"
        )
    return DrawResult(tuple(units), tuple(people), len(eligible), tuple(notes))
