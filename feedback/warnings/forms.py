"""The warnings' forms: confirm, dismiss, the enterprise's explanation, the officer's review."""

from __future__ import annotations

from wtforms import DateField, MultipleFileField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from feedback.forms import choices
from feedback.plaintext import CleanForm
from feedback.warnings.states import EXPLANATIONS


class ConfirmForm(CleanForm):
    """Confirm a warning: it becomes a ledger item with this action and deadline."""

    action = TextAreaField("整改要求（公开）", validators=[DataRequired("请填写整改要求。")])
    due_on = DateField("整改期限", validators=[InputRequired("请填写整改期限。")])


class DismissForm(CleanForm):
    """Dismiss a warning, with the reason kept."""

    reason = TextAreaField("排除的理由", validators=[DataRequired("请填写排除的理由。")])


class ExplainForm(CleanForm):
    """The enterprise's explanation of a warning's hours, with dates and evidence."""

    explanation = SelectField(
        "情况", choices=choices(list(EXPLANATIONS.items())),
        validators=[InputRequired("请选择说明的类型。")],
    )  # fmt: skip
    from_day = DateField("开始日期", validators=[InputRequired("请填写开始日期。")])
    to_day = DateField("结束日期", validators=[InputRequired("请填写结束日期。")])
    text = TextAreaField("情况说明", validators=[DataRequired("请填写情况说明。")])
    files = MultipleFileField("证明材料（停产记录、检修记录、故障报告的照片或 PDF）")


class ReviewForm(CleanForm):
    """The officer accepts the explanation, or rejects it with a reason."""

    decision = RadioField(
        "审核结果",
        choices=choices([("accept", "采纳企业说明"), ("reject", "不采纳，退回待核查")]),
        validators=[InputRequired("请选择审核结果。")],
    )
    text = TextAreaField("意见（不采纳时必填，企业会看到）")
