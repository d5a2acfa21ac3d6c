"""Steps of the issue 9 journeys, shared by the journey tests and the page-quality checks.

Each step drives a Playwright page the way a person would (labels, roles, visible text) and
checks what that person must see before the next step.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from generator import clock, urls

from .media import decode_qr, make_photo, on_host

#: The fixture unit used throughout: a key-managed sugar mill in Binyang county.
UNIT = "91450126MA5L3K2R5Q001P"
UNIT_NAME = "广西宾阳宏达糖业有限公司"


def _local(moment: dt.datetime) -> str:
    """A moment as a datetime-local input wants it, in China time."""
    return moment.astimezone(clock.CHINA).strftime("%Y-%m-%dT%H:%M")


def fill_inspection_with_a_problem(page: Page, stack: Any, officers: str) -> None:
    """An officer's on-site inspection from the unit's scan view, filled in and not yet sent:
    ``officers`` present, every checklist item compliant but the drainage one, a 限期整改
    problem with its requirement and a deadline two weeks ahead, and the record's reasoning."""
    now = clock.now()
    login(page, stack, "officer", "demo-officer")
    page.goto(f"{stack.app_url}/officer/unit/{UNIT}")
    page.get_by_role("button", name="开始现场检查").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("现场检查")
    page.get_by_label("执法人员").fill(officers)
    page.get_by_label("企业在场人员").fill("赵厂长（环保负责人）")
    page.get_by_label("开始时间").fill(_local(now - dt.timedelta(hours=2)))
    page.get_by_label("结束时间").fill(_local(now - dt.timedelta(hours=1)))
    page.get_by_label("DW001").check()
    for section in page.locator("section.inspection-item").all():
        section.get_by_label("符合", exact=True).check()
    item = page.locator("#item-destination")
    item.get_by_label("存在问题", exact=True).check()
    item.get_by_label("情况记录").fill("私设排水软管通向厂外沟渠。")
    item.get_by_label("限期整改", exact=True).check()
    item.get_by_label("整改要求（限期整改）").fill("拆除软管，封堵暗口。")
    due = clock.china_today() + dt.timedelta(days=14)
    item.get_by_label("整改期限（限期整改）").fill(due.isoformat())
    page.get_by_label("检查发现的事实").fill("总排口旁发现未登记的排水软管。")
    page.get_by_label("许可证要求或法律依据").fill("许可证载明的排放口仅 DW001。")
    page.get_by_label("说理", exact=True).fill("软管绕过监测设施排水，违反许可证规定。")


def scan_unit_qr(stack: Any, code: str) -> str:
    """The address a phone gets from the unit's QR code, moved onto the loopback site server."""
    png = stack.site_dir / urls.unit_path(code).strip("/") / "qr.png"
    return on_host(decode_qr(png), stack.site_url)


def open_unit_page(page: Page, address: str) -> None:
    """Open a unit page and check it names the unit."""
    response = page.goto(address)
    assert response is not None and response.ok, f"{address} 打不开"
    expect(page.get_by_role("heading", level=1)).to_contain_text(UNIT_NAME)


def read_permit_and_monitoring(page: Page) -> None:
    """The permit section shows the permit number and dates; monitoring shows measurements."""
    permit = page.get_by_role("region", name="排污许可")
    permit.scroll_into_view_if_needed()
    expect(permit).to_contain_text(UNIT)
    expect(permit).to_contain_text("2028")
    monitoring = page.get_by_role("region", name=re.compile("监测数据"))
    monitoring.scroll_into_view_if_needed()
    expect(monitoring).to_contain_text("化学需氧量")


def follow_report_link(page: Page, stack: Any) -> None:
    """Tap 'report a problem' and land on the report form for this unit."""
    page.get_by_role("link", name=re.compile("我要举报")).first.click()
    page.wait_for_url(re.compile(re.escape(stack.app_url) + "/report/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("我要举报")
    expect(page.locator("body")).to_contain_text(UNIT_NAME)


def search_from_static_page(page: Page, words: str) -> None:
    """Type into the header search box of a static page and submit."""
    page.get_by_role("searchbox").fill(words)
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_load_state()


# --- Journey 2: the citizen files a report ---------------------------------------------------

REPORT_TEXT = "排放口流出黑色污水，有刺鼻气味，持续约一小时，沟里的水都变黑了。"
REPORTER_EMAIL = "citizen@example.cn"


def fill_report(page: Page, photo: Path | None, email: str = REPORTER_EMAIL) -> None:
    """Fill the report form as a citizen would (category, description, date, photo, consent)."""
    page.get_by_role("radio", name="废水", exact=True).check()
    page.get_by_label("您看到了什么").fill(REPORT_TEXT)
    page.get_by_label("发现日期").fill(clock.china_today().isoformat())
    page.get_by_label("大约时间").fill("晚上 8 点左右")
    page.get_by_label("具体地点").fill("东侧围墙外的排水沟")
    if photo is not None:
        page.get_by_label(re.compile("^照片（可不传")).set_input_files(str(photo))
    if email:
        page.get_by_label("电子邮箱（可不填）").fill(email)
        page.get_by_role("checkbox", name="把专属查询链接发到我的邮箱").check()
    page.get_by_role("checkbox", name="我已阅读并同意隐私说明").check()


def submit_report(page: Page) -> tuple[str, str]:
    """Submit the form; the tracking number and the private link from the receipt."""
    page.get_by_role("button", name="提交举报").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("举报已提交")
    number = page.locator(".tracking-number").inner_text().strip()
    private = page.locator(".private-link a").get_attribute("href") or ""
    assert re.fullmatch(r"[A-Z0-9-]{6,20}", number), f"受理编号格式不对：{number}"
    return number, private


def open_public_case(page: Page, stack: Any, number: str) -> None:
    """Follow the receipt's link to the public progress page of the case."""
    page.get_by_role("link", name="公开的办理进度").click()
    page.wait_for_url(f"{stack.app_url}/case/{number}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(page.locator("body")).not_to_contain_text(REPORTER_EMAIL)


# --- Journey 3: the officer handles the case -------------------------------------------------


def login(page: Page, stack: Any, audience: str, account: str) -> None:
    """Log in at /officer/login or /enterprise/login with a demo account."""
    password = next(p for _role, login_name, p in stack.accounts if login_name == account)
    page.goto(f"{stack.app_url}/{audience}/login")
    page.get_by_label("账号").fill(account)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{stack.app_url}/{audience}/")


def open_from_queue(page: Page, number: str) -> None:
    """Find the case in the queue (or the enterprise's list) and open it."""
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=number))
    expect(row).to_be_visible()
    row.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)


def act(
    page: Page,
    action: str,
    state: str,
    fields: dict[str, str] | None = None,
    choose: str | None = None,
    select: tuple[str, str] | None = None,
) -> None:
    """Take one action from its form on the officer's case page; expect the new state."""
    form = page.locator(f"#action-{action}")
    fold = page.locator(f"details:has(#action-{action})")
    if fold.count() and fold.get_attribute("open") is None:
        fold.locator("summary").click()  # an action folded under its label (not a next step)
    form.scroll_into_view_if_needed()
    if choose:
        form.get_by_role("radio", name=choose, exact=True).check()
    if select:
        form.get_by_label(select[0]).select_option(label=select[1])
    for label, value in (fields or {}).items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button").click()
    expect(page.locator("h1 .state")).to_have_text(state)


CONCLUSION = "经现场核查，该厂废水处理设施故障导致超标排放，已责令停产检修并立案处罚。"
REQUIREMENT = "修复废水处理设施，完成比对监测，并上传整改报告。"


def handle_case(page: Page, checkpoint: Any) -> None:
    """Accept, assign to oneself, investigate and conclude with a public reply."""
    act(page, "accept", "已受理", {"公开答复": "您反映的问题已受理，我们将尽快核查。"})
    checkpoint(page, "officer-accepted")
    act(page, "assign", "已分派", select=("承办人", "县局执法员（演示）（demo-officer）"))
    act(page, "investigate", "调查中")
    checkpoint(page, "officer-investigating")
    act(
        page,
        "conclude",
        "已办结",
        {"采取的措施": "责令停产检修，立案处罚", "给举报人的答复": CONCLUSION},
        choose="属实",
    )
    checkpoint(page, "officer-concluded")


# --- Journey 4: rectification order, enterprise answer, officer verification -----------------

RECTIFIED = "已更换曝气风机并完成比对监测，化学需氧量恢复达标，整改报告见附件。"


def order_rectification(page: Page) -> None:
    """Order the enterprise to rectify within 30 days."""
    due = (clock.china_today() + dt.timedelta(days=30)).isoformat()
    act(page, "order_rectification", "责令整改中", {"整改要求": REQUIREMENT, "整改期限": due})


def enterprise_answers(page: Page, number: str, evidence: Path) -> None:
    """The enterprise opens the case from its list and submits its rectification answer."""
    expect(page.get_by_role("row").filter(has_text=number)).to_contain_text("需要整改反馈")
    open_from_queue(page, number)
    expect(page.locator("body")).to_contain_text(REQUIREMENT)
    expect(page.locator("body")).not_to_contain_text(REPORTER_EMAIL)
    page.get_by_label("整改情况说明").fill(RECTIFIED)
    page.get_by_label(re.compile("^证明材料")).set_input_files(str(evidence))
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".response")).to_contain_text("待核实")


def officer_verifies(page: Page) -> None:
    """Reload the case, read the enterprise's answer and verify it."""
    page.reload()
    expect(page.locator(".response")).to_contain_text(RECTIFIED)
    act(
        page,
        "verify",
        "整改已核实",
        {"意见": "现场复核，设施运行正常。"},
        choose="整改到位，核实通过",
    )


# --- Journey 5: the reporter follows every step and rates ------------------------------------

PUBLIC_STEPS = ("已受理", "调查中", "已办结", "责令整改中", "整改已核实")


def reporter_sees_steps(page: Page, address: str) -> None:
    """The reporter's private page lists every public step, the reply and their own photo."""
    page.goto(address)
    timeline = page.locator("ol.timeline")
    for label in PUBLIC_STEPS:
        expect(timeline).to_contain_text(label)
    expect(timeline).to_contain_text(CONCLUSION)
    expect(page.get_by_role("img", name=re.compile("您上传的照片"))).to_have_count(1)


def reporter_rates(page: Page) -> None:
    """Rate the handling as satisfied; the rating shows on the page."""
    page.get_by_role("radio", name="满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("body")).to_contain_text("您的评价：满意")


# --- Journeys 2 to 5 in order, on one case ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Actors:
    """One browser page per person: the citizen's phone, the officer's and enterprise's desks."""

    citizen: Page
    officer: Page
    enterprise: Page


def wait_for_mail(stack: Any, address: str, containing: str, seconds: float = 20) -> str:
    """Body of a message to ``address`` containing ``containing``, from the loopback SMTP server."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in stack.mailbox.to(address):
            body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
            if containing in body:
                return body
        time.sleep(0.2)
    raise AssertionError(f"{seconds} 秒内没有收到发给 {address}、含有 {containing} 的邮件")


def report_lifecycle(stack: Any, who: Actors, checkpoint: Any, files: Path) -> str:
    """Journeys 2-5 on one new report; the tracking number. ``checkpoint(page, step)`` per step."""
    photo, evidence = make_photo(files / "photo.jpg"), make_photo(files / "evidence.jpg")
    who.citizen.goto(urls.report_url(stack.app_url, UNIT))
    fill_report(who.citizen, photo)
    checkpoint(who.citizen, "report-filled")
    number, private = submit_report(who.citizen)
    checkpoint(who.citizen, "receipt")
    assert number in wait_for_mail(stack, REPORTER_EMAIL, private)
    open_public_case(who.citizen, stack, number)
    checkpoint(who.citizen, "public-case")
    login(who.officer, stack, "officer", "demo-officer")
    checkpoint(who.officer, "officer-queue")
    open_from_queue(who.officer, number)
    checkpoint(who.officer, "officer-case")
    handle_case(who.officer, checkpoint)
    order_rectification(who.officer)
    checkpoint(who.officer, "rectification-ordered")
    login(who.enterprise, stack, "enterprise", "demo-enterprise")
    checkpoint(who.enterprise, "enterprise-list")
    enterprise_answers(who.enterprise, number, evidence)
    checkpoint(who.enterprise, "enterprise-answered")
    officer_verifies(who.officer)
    checkpoint(who.officer, "officer-verified")
    reporter_sees_steps(who.citizen, private)
    checkpoint(who.citizen, "reporter-sees-steps")
    reporter_rates(who.citizen)
    checkpoint(who.citizen, "reporter-rated")
    return number
