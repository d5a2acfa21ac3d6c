"""Lighthouse on the service's report form (issue 13): best practices and SEO both 100.

The same running system as the other quality checks (tests/e2e/stack.py); Lighthouse from npm
at mobile settings with Debian's Chromium, as bench/lighthouse.py runs it on the static site.
"""

from __future__ import annotations

import pytest

from bench.lighthouse import failed_audits, run_lighthouse
from generator import urls
from tests.e2e.journeys import UNIT
from tests.e2e.validators import CHROMIUM, chromium_missing, ensure_npm_tools

CATEGORIES = ("best-practices", "seo")


@pytest.mark.parametrize("code", [UNIT, None], ids=["unit", "free-place"])
def test_report_form_scores_100_in_best_practices_and_seo(stack, tmp_path, code) -> None:
    if chromium_missing():
        pytest.skip(chromium_missing())
    ensure_npm_tools()
    report = tmp_path / "lighthouse.json"
    scores = run_lighthouse(urls.report_url(stack.app_url, code), report, CHROMIUM, CATEGORIES)
    lost = "\n".join(failed_audits(report, below=1))
    assert scores == dict.fromkeys(CATEGORIES, 100), f"Lighthouse {scores}:\n{lost}"
