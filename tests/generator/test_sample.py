"""Sample generator: deterministic, valid, complete content folders; the bundled content/ loads."""

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.content.codes import fixed_source_problem
from generator.content.model import PermitState
from generator.content.readers import load_site
from generator.sample import sample_command, write_sample
from generator.sample.curated import curated_records

CONTENT = Path(__file__).resolve().parents[2] / "content"


def digest(folder: Path) -> str:
    """One hash over every file's path and bytes."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_bytes(tmp_path):
    write_sample(tmp_path / "a", 60, seed=7)
    write_sample(tmp_path / "b", 60, seed=7)
    write_sample(tmp_path / "c", 60, seed=8)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")


@pytest.mark.parametrize("fmt", ["jsonl", "yaml"])
def test_output_is_a_valid_complete_content_folder(tmp_path, fmt):
    count = 300 if fmt == "jsonl" else 80
    write_sample(tmp_path, count, seed=11, fmt=fmt)
    site = load_site(tmp_path)
    assert len(site.units) == count
    assert {p.slug for p in site.pages} >= {"how-to-read", "how-to-report", "about"}
    assert site.as_of <= dt.date(2026, 11, 20) and site.title
    counties = {u.county_code for u in site.units}
    assert counties <= {a for b in site.bodies if b.level == "county" for a in b.areas}
    assert all(fixed_source_problem(u.code) is None for u in site.units)


def test_mix_of_states_industries_and_exceedances(tmp_path):
    write_sample(tmp_path, 400, seed=3)
    site = load_site(tmp_path)
    states = Counter(u.permit_state(site.as_of) for u in site.units)
    assert set(states) >= {
        PermitState.VALID,
        PermitState.EXPIRING,
        PermitState.EXPIRED,
        PermitState.REVOKED,
        PermitState.REGISTERED,
    }
    assert len({u.industry.code for u in site.units}) >= 10
    assert len({u.city_code for u in site.units}) == 14
    assert any(u.penalties for u in site.units) and any(u.rectifications for u in site.units)
    exceeded = sum(
        u.outlet(m.outlet).pollutant(m.pollutant).exceeds(m.value)
        for u in site.units
        for m in u.measurements
    )
    assert 0 < exceeded < sum(len(u.measurements) for u in site.units) * 0.05


def test_sample_command(tmp_path):
    result = CliRunner().invoke(
        sample_command, ["--units", "25", "--seed", "2", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "units" / "sample.jsonl").read_text(encoding="utf-8").count("\n") == 25
    assert len(load_site(tmp_path).units) == 25
    again = CliRunner().invoke(
        sample_command, ["--units", "5", "--out", str(tmp_path), "--format", "yaml"]
    )
    assert again.exit_code == 1 and "--force" in again.output
    forced = CliRunner().invoke(
        sample_command, ["--units", "5", "--out", str(tmp_path), "--format", "yaml", "--force"]
    )
    assert forced.exit_code == 0 and len(load_site(tmp_path).units) == 5


def test_bundled_content_covers_the_brief(tmp_path):
    site = load_site(CONTENT)
    assert len(site.units) >= 40 and len({u.city_code for u in site.units}) >= 8
    assert site.as_of == dt.date(2026, 11, 20)
    industries = {u.industry.code for u in site.units}
    assert {
        "4411",
        "2221",
        "2222",
        "1340",
        "3011",
        "0313",
        "4620",
        "3212",
        "2710",
        "3360",
    } <= industries
    assert any(code.startswith("26") for code in industries)
    states = {u.permit_state(site.as_of) for u in site.units}
    assert states >= {
        PermitState.VALID,
        PermitState.EXPIRING,
        PermitState.EXPIRED,
        PermitState.REVOKED,
        PermitState.REGISTERED,
    }
    assert {o.kind for u in site.units for o in u.outlets} == {"gas", "water"}
    orders = {r.status.value for u in site.units for r in u.rectifications}
    assert orders == {"open", "closed"} and sum(len(u.penalties) for u in site.units) >= 5
    assert [p.slug for p in site.pages] == [
        "how-to-read",
        "how-to-report",
        "cases",
        "about",
        "privacy",
    ]


def test_curated_generator_writes_valid_content(tmp_path):
    """`sample --curated` is a starting point for content/; people edit the YAML afterwards."""
    regenerated = tmp_path / "content"
    result = CliRunner().invoke(
        sample_command, ["--curated", "--format", "yaml", "--out", str(regenerated)]
    )
    assert result.exit_code == 0, result.output
    site = load_site(regenerated)
    assert len(curated_records(site.as_of)) == len(site.units) >= 40
