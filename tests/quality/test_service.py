"""Every page type of the feedback service passes the Nu HTML Checker and axe-core (issue 9).

The pages are reached the way people reach them, by running journeys 2-5 in Chromium, and
the HTML exactly as the server sent it is kept in test-artifacts/quality/service/.
"""

from __future__ import annotations

import pytest

from generator import urls
from tests.e2e import journeys as j
from tests.e2e.stack import DESKTOP, PHONE, new_context
from tests.e2e.validators import ensure_npm_tools, java_missing, summarize, vnu_errors

from .capture import PageRecorder


def visit_other_pages(stack, rec: PageRecorder, phone, desktop) -> None:
    """Pages the journeys do not pass: errors, logins, search, not found, privacy."""
    phone.goto(urls.report_url(stack.app_url, j.UNIT))
    phone.get_by_role("button", name="提交举报").click()
    phone.get_by_role("alert").first.wait_for()
    rec(phone, "report-form-errors")
    phone.goto(urls.report_url(stack.app_url))
    rec(phone, "report-form-free-place")
    for path, step in (
        ("/", "service-home"),
        ("/privacy", "privacy"),
        ("/search?q=宏达糖业", "search-results"),
        ("/search?q=", "search-empty"),
        ("/case/GX0000000000000", "case-not-found"),
    ):
        phone.goto(stack.app_url + path)
        rec(phone, step)
    for audience in ("officer", "enterprise"):
        desktop.goto(f"{stack.app_url}/{audience}/login")
        rec(desktop, f"{audience}-login")
    desktop.get_by_label("账号").fill("nobody")
    desktop.get_by_label("密码").fill("wrong")
    desktop.get_by_role("button", name="登录").click()
    desktop.get_by_role("alert").wait_for()
    rec(desktop, "login-error")


@pytest.fixture(scope="module")
def recorded(stack, browser, tmp_path_factory) -> PageRecorder:
    """Every service page type, saved and checked with axe-core once for the module."""
    ensure_npm_tools()
    rec = PageRecorder()
    contexts = []

    def page(desktop: bool):
        context = new_context(browser, DESKTOP if desktop else PHONE, mobile=not desktop)
        contexts.append(context)
        return rec.watch(context.new_page())

    try:
        who = j.Actors(citizen=page(False), officer=page(True), enterprise=page(True))
        j.report_lifecycle(stack, who, rec, tmp_path_factory.mktemp("files"))
        visit_other_pages(stack, rec, page(False), page(True))
    finally:
        for context in contexts:
            context.close()
    return rec


def test_every_service_page_type_is_valid_html(recorded: PageRecorder) -> None:
    if java_missing():
        pytest.skip(java_missing())
    errors = vnu_errors(recorded.files)
    assert not errors, "Nu HTML Checker 报错：\n" + summarize(errors)


def test_every_service_page_type_has_no_serious_axe_violations(recorded: PageRecorder) -> None:
    found = recorded.violations
    assert not found, "axe-core 严重问题：\n" + "\n".join(map(str, found))
