"""The ledger's forms: the enterprise's answer, the officer's review, closing, a new item."""

from __future__ import annotations

from wtforms import MultipleFileField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from feedback.forms import choices
from feedback.plaintext import CleanForm


class AnswerForm(CleanForm):
    """The enterprise's answer to one ledger item (在线整改反馈)."""

    text = TextAreaField("整改情况说明", validators=[DataRequired("请说明整改情况。")])
    files = MultipleFileField("证明材料（照片或 PDF）")


class ReviewForm(CleanForm):
    """The officer verifies the answer or sends it back with a reason."""

    decision = RadioField(
        "核实结果",
        choices=choices([("verify", "整改到位，核实通过"), ("send_back", "退回重新整改")]),
        validators=[InputRequired("请选择核实结果。")],
    )
    text = TextAreaField("意见（退回时必填，企业会看到）")


class CloseForm(CleanForm):
    """Close (销号) a verified item."""

    text = TextAreaField("销号说明（可不填）")
