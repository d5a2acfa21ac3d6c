"""Printed records as PDF with the Chinese font embedded (reportlab, as the signboards).

The font is the TrueType file the setting INSPECTION_PDF_FONT names (WenQuanYi Zen Hei,
installed by scripts/setup); reportlab embeds the subset of glyphs a record uses, so the
record prints the same on any machine. See docs/inspections.md, "The printed record".
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from flask import current_app
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from feedback.inspections.form import names
from feedback.inspections.models import ANSWERS, DEADLINE, ON_THE_SPOT, Inspection
from feedback.inspections.monthly import MonthlyReport, rows
from feedback.timefmt import local_time

FONT_NAME = "YimatongRecord"


class FontMissing(RuntimeError):
    """The font for printed records cannot be used; the message says how to fix it."""


def font() -> str:
    """Register the setting's font with reportlab once (per path) and return its name."""
    path = Path(current_app.config["INSPECTION_PDF_FONT"])
    name = f"{FONT_NAME}-{hashlib.sha256(str(path).encode()).hexdigest()[:8]}"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        face = TTFont(name, str(path), subfontIndex=0)
    except Exception as exc:  # reportlab raises its own TTFError, IOError or struct errors
        raise FontMissing(
            f"检查笔录无法生成：字体文件 {path} 不可用（{exc}）。请设置 INSPECTION_PDF_FONT，"
            "或执行 apt-get install fonts-wqy-zenhei 安装文泉驿正黑字体。"
        ) from None
    pdfmetrics.registerFont(face)
    return name


def styles(name: str) -> dict[str, ParagraphStyle]:
    """Paragraph styles of a record in the given font (CJK line breaking)."""
    body = ParagraphStyle("body", fontName=name, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=1),
        "h2": ParagraphStyle("h2", parent=body, fontSize=12.5, leading=20, spaceBefore=8),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=13),
    }


def text(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (markup escaped, line breaks kept)."""
    return Paragraph(escape(value or "—").replace("\n", "<br/>"), style)


def grid(rows: Sequence[Sequence[Paragraph]], widths: Sequence[float], head: bool = False) -> Table:
    """A ruled table of paragraphs (their font throughout); the first row shaded when ``head``."""
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=1 if head else 0)
    rules = [
        ("FONTNAME", (0, 0), (-1, -1), rows[0][0].style.fontName),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if head:
        rules.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
    table.setStyle(TableStyle(rules))
    return table


def render(story: list[Flowable], title: str, font_name: str) -> bytes:
    """The story as an A4 PDF (the same bytes for the same story), only ``font_name`` in it."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        invariant=1,
        initialFontName=font_name,
    )
    doc.build(story)
    return out.getvalue()


def _when(inspection: Inspection) -> str:
    start = local_time(inspection.started_at)
    end = local_time(inspection.ended_at)
    return f"{start} 至 {end}"


def _head(inspection: Inspection, body_name: str, s: dict[str, ParagraphStyle]) -> Table:
    rows = [
        ("被检查单位", inspection.unit_name),
        ("排污许可证编号", inspection.unit_code),
        ("检查机构", body_name),
        ("检查时间", _when(inspection)),
        ("执法人员", "、".join(names(inspection.officers))),
        ("企业在场人员", inspection.present),
        ("检查的排放口", "、".join(inspection.outlets.split("\n")) if inspection.outlets else "—"),
    ]
    return grid([(text(k, s["body"]), text(v, s["body"])) for k, v in rows], [34 * mm, 140 * mm])


def _items(inspection: Inspection, s: dict[str, ParagraphStyle]) -> Table:
    rows: list[Sequence[Paragraph]] = [
        [text(h, s["body"]) for h in ("序号", "检查项", "结果", "情况记录")]
    ]
    for n, a in enumerate(inspection.answers, 1):
        rows.append(
            [
                text(str(n), s["body"]),
                text(a.title, s["body"]),
                text(ANSWERS.get(a.answer, "未填"), s["body"]),
                text(a.notes, s["small"]),
            ]
        )
    return grid(rows, [12 * mm, 48 * mm, 22 * mm, 92 * mm], head=True)


def _problems(inspection: Inspection, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not inspection.problems:
        return [text("本次检查未发现问题。", s["body"])]
    rows: list[Sequence[Paragraph]] = [
        [text(h, s["body"]) for h in ("检查项", "发现的问题", "整改方式", "整改要求或现场整改情况")]
    ]
    for a in inspection.problems:
        if a.resolution == ON_THE_SPOT:
            how, what = "立整立改（现场已整改）", a.evidence
        elif a.resolution == DEADLINE:
            how, what = f"限期整改，期限 {a.due.isoformat() if a.due else ''}", a.action
        else:
            how, what = "—", ""
        rows.append([text(v, s["small"]) for v in (a.title, a.notes, how, what)])
    return [grid(rows, [34 * mm, 56 * mm, 30 * mm, 54 * mm], head=True)]


def _signatures(inspection: Inspection, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    line = "签名：________________　　日期：____年__月__日"
    officers = names(inspection.officers) or ["姓名"]
    parts: list[Flowable] = [
        Paragraph("签字确认", s["h2"]),
        text("以上笔录已经本人核对（或向本人宣读），与事实相符。", s["body"]),
        Spacer(1, 4 * mm),
        text(f"被检查单位在场人员（{inspection.present or '姓名'}）　{line}", s["body"]),
        Spacer(1, 6 * mm),
    ]
    for name in officers:
        parts += [text(f"执法人员（{name}）　{line}", s["body"]), Spacer(1, 6 * mm)]
    return parts


def record(inspection: Inspection, body_name: str) -> bytes:
    """The inspection record (现场检查笔录) as PDF: facts, basis, reasoning, items, signatures."""
    name = font()
    s = styles(name)
    story: list[Flowable] = [
        Paragraph("现场检查笔录", s["title"]),
        text(f"编号：检查 {inspection.id}", s["small"]),
        Spacer(1, 3 * mm),
        _head(inspection, body_name, s),
        Paragraph("检查发现的事实", s["h2"]),
        text(inspection.facts, s["body"]),
        Paragraph("许可证要求或法律依据", s["h2"]),
        text(inspection.basis, s["body"]),
        Paragraph("说理", s["h2"]),
        text(inspection.reasoning, s["body"]),
        Paragraph("清单检查结果", s["h2"]),
        _items(inspection, s),
        Paragraph("发现的问题及整改", s["h2"]),
        *_problems(inspection, s),
        *_signatures(inspection, s),
    ]
    return render(story, f"现场检查笔录 {inspection.unit_name}", name)


def monthly(report: MonthlyReport) -> bytes:
    """The monthly enforcement report as PDF: the figures in a table, the due day, signatures."""
    name = font()
    s = styles(name)
    state = "" if report.complete else f"（本月尚未结束，数字截至 {report.as_of.isoformat()}）"
    table = [[text(h, s["body"]) for h in ("类别", "项目", "数值")]]
    table += [
        [text(a, s["body"]), text(b, s["body"]), text(str(n), s["body"])]
        for a, b, n in rows(report)
    ]
    story: list[Flowable] = [
        Paragraph(f"{escape(report.body_name)}执法工作月报", s["title"]),
        text(f"{report.month:%Y 年 %m 月}{state}　报送期限：{report.due.isoformat()}", s["body"]),
        Spacer(1, 3 * mm),
        grid(table, [40 * mm, 100 * mm, 34 * mm], head=True),
        Spacer(1, 8 * mm),
        text(
            "填报人：________________　　审核人：________________　　日期：____年__月__日",
            s["body"],
        ),
    ]
    return render(story, f"执法工作月报 {report.body_name} {report.month:%Y-%m}", name)
