"""The quick path of the frame import: a frame in the one clean form, read with one pattern.

A frame the pattern matches and every check passes becomes its values here; any other frame
(anything odd, anything refused) returns None and goes the full way (protocol.parse, then
checks.Checker), so every refusal and its words come from one place. The quick path only
decides faster what the full way would accept, and makes the same values (a test compares
the two on random good and bad frames).
"""

from __future__ import annotations

import datetime as dt
import re

from generator.monitoring.checks import Checker, Value
from generator.monitoring.codes import DATA_TYPES, FLAGS, POLLUTANTS

_NUMBER = rb"-?[0-9]{1,15}(?:\.[0-9]{1,15})?"
_FLAG = b"[" + "".join(FLAGS).encode("ascii") + b"]"
_ITEM = rb"[a-z][0-9]{5}-(?:(?:Avg|Min|Max|ZsAvg)=" + _NUMBER + rb"|Flag=" + _FLAG + rb")"
_CLEAN = re.compile(
    rb"##([0-9]{4})"
    rb"(QN=[0-9]{0,20};ST=[0-9]{1,3};CN=(2061|2031);PW=[0-9A-Za-z]{0,20};"
    rb"MN=([0-9A-Za-z]{1,32});Flag=[0-9]{1,3};CP=&&DataTime=([0-9]{14});"
    rb"((?:" + _ITEM + rb"[,;])*" + _ITEM + rb")&&)"
    rb"([0-9A-F]{4})"
)
_FIELD = re.compile(rb"([a-z][0-9]{5})-(Avg|Min|Max|ZsAvg|Flag)=([^,;]+)")
_NAMES = {"Avg": 0, "Min": 1, "Max": 2, "ZsAvg": 3}
_N = "(" + _NUMBER.decode() + ")"
#: One pollutant in the usual order: Avg, Min, Max, ZsAvg if any, Flag.
_GROUP = re.compile(
    rf"([a-z][0-9]{{5}})-Avg={_N},\1-Min={_N},\1-Max={_N}(?:,\1-ZsAvg={_N})?"
    rf",\1-Flag=({_FLAG.decode()})"
)


def quick_values(
    line: bytes, source: str, crc_of: dict[bytes, int], checker: Checker
) -> list[Value] | None:
    """The values of a clean, wholly accepted frame, or None: take the full way."""
    match = _CLEAN.fullmatch(line)
    if match is None:
        return None
    segment = match[2]
    if len(segment) != int(match[1]) or crc_of.get(segment) != int(match[7], 16):
        return None
    mn, cn = match[4].decode("ascii"), match[3].decode("ascii")
    target = checker.outlets.get(mn)
    start = _start(match[5], cn, checker.now)
    if target is None or start is None:
        return None
    cp = match[6].decode("ascii")
    readings = _usual(cp) or _readings(match[6])
    if readings is None:
        return None
    unit_code, outlet = target
    return [
        Value(mn, cn, start, code, unit_code, outlet, avg, low, high, zs, flag, source)
        for code, (avg, low, high, zs, flag) in readings.items()
    ]


def _start(text: bytes, cn: str, now: dt.datetime) -> dt.datetime | None:
    """The period start of a DataTime if it is a real, aligned, ended period, else None."""
    year, month, day, hour, minute, second = (
        int(text[i : i + w]) for i, w in ((0, 4), (4, 2), (6, 2), (8, 2), (10, 2), (12, 2))
    )
    daily = cn == "2031"
    if minute or second or (daily and hour):
        return None
    try:
        start = dt.datetime(year, month, day, hour)
    except ValueError:
        return None
    return start if start + DATA_TYPES[cn][1] <= now else None


def _usual(cp: str) -> dict[str, tuple] | None:
    """The CP items when every pollutant is written in the usual order, once; else None."""
    found: dict[str, tuple] = {}
    end = -1
    for group in _GROUP.finditer(cp):
        if group.start() != end + 1 or (end >= 0 and cp[end] != ";"):
            return None
        end = group.end()
        code, avg, low, high, zs, flag = group.groups()
        if code in found or code not in POLLUTANTS:
            return None
        found[code] = (float(avg), float(low), float(high), zs and float(zs), flag)
    return found if end == len(cp) else None


def _readings(cp: bytes) -> dict[str, tuple] | None:
    """Code -> (avg, min, max, zs_avg, flag) of the CP items, or None if anything is odd
    (a code not in the table, a field given twice, a missing Avg or Flag)."""
    found: dict[str, list] = {}
    count = 0
    for code_b, name_b, raw in _FIELD.findall(cp):
        count += 1
        code = code_b.decode("ascii")
        slot = found.get(code)
        if slot is None:
            if code not in POLLUTANTS:
                return None
            slot = found[code] = [None, None, None, None, None]
        name = name_b.decode("ascii")
        index = _NAMES.get(name, 4)
        if slot[index] is not None:
            return None
        slot[index] = raw.decode("ascii") if index == 4 else float(raw)
    if count != cp.count(b"=") or any(s[0] is None or s[4] is None for s in found.values()):
        return None
    return {code: tuple(slot) for code, slot in found.items()}
