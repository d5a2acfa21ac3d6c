"""The ledger's forms: the enterprise's answer, the officer's review, closing, a new item."""

from __future__ import annotations

from wtforms import (
    DateField,
    HiddenField,
    MultipleFileField,
    RadioField,
    StringField,
    TextAreaField,
)
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


class NewItemForm(CleanForm):
    """An item an officer enters by hand (source "officer", e.g. from a quality check)."""

    submission_key = HiddenField()
    unit = StringField("排污单位代码", validators=[DataRequired("请填写排污单位代码。")])
    outlet = StringField("排放口编号（可不填）")
    title = TextAreaField("发现的问题（公开）", validators=[DataRequired("请填写发现的问题。")])
    action = TextAreaField("整改要求（公开）", validators=[DataRequired("请填写整改要求。")])
    due_on = DateField("整改期限", validators=[InputRequired("请填写整改期限。")])
    detail = TextAreaField("内部说明（不公开）")
