"""WTForms with their own messages, in plain Chinese."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from feedback.emails import EmailAddress
from feedback.plaintext import CleanForm
from feedback.states import CATEGORIES, FINDINGS, RATINGS, REWARD_STATUSES
from generator import clock


def choices(pairs: object) -> list[SelectChoice]:
    """Select or radio options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[attr-defined]


def not_in_future(form: FlaskForm, field: DateField) -> None:
    """The day something was seen cannot be after today."""
    if field.data and field.data > clock.china_today() + dt.timedelta(days=1):
        raise ValidationError("发现日期不能晚于今天。")


class ReportForm(CleanForm):
    """The citizen's report."""

    submission_key = HiddenField()
    draft_token = HiddenField()
    category = RadioField(
        "问题类别",
        choices=choices((c, c) for c in CATEGORIES),
        validators=[InputRequired("请选择问题类别。")],
    )
    description = TextAreaField(
        "您看到了什么",
        validators=[
            DataRequired("请描述您看到的情况，例如颜色、气味、持续时间。"),
            Length(min=10, max=5000, message="描述请写 10 到 5000 字。"),
        ],
    )
    seen_on = DateField(
        "发现日期",
        validators=[InputRequired("请填写发现日期（格式：2026-11-23）。"), not_in_future],
        format="%Y-%m-%d",
    )
    seen_time = StringField(
        "大约时间", validators=[Optional(), Length(max=40, message="时间请写短一些。")]
    )
    city = SelectField("所在城市", validators=[Optional()], validate_choice=False)
    county = SelectField("所在县（市、区）", validators=[Optional()], validate_choice=False)
    place = TextAreaField("具体地点", validators=[Length(max=500, message="地点请写 500 字以内。")])
    #: The pinned point (feedback/place.py): a nearby unit, or coordinates typed or filled in
    #: by static/place.js from the phone's location (then place_source is "device").
    place_unit = SelectField("附近的单位（可不选）", validators=[Optional()], validate_choice=False)
    place_lat = StringField(
        "纬度（可不填）", validators=[Optional(), Length(max=20, message="纬度太长。")]
    )
    place_lon = StringField(
        "经度（可不填）", validators=[Optional(), Length(max=20, message="经度太长。")]
    )
    place_source = HiddenField()
    reporter_name = StringField(
        "姓名（可不填）", validators=[Optional(), Length(max=80, message="姓名太长。")]
    )
    reporter_phone = StringField(
        "电话（可不填）", validators=[Optional(), Length(max=40, message="电话号码太长。")]
    )
    reporter_email = StringField(
        "电子邮箱（可不填）",
        validators=[Optional(), Length(max=200, message="电子邮箱太长。"), EmailAddress()],
    )
    photos = MultipleFileField("照片（可不传，最多 5 张，JPEG、PNG 或 WebP，每张不超过 10 MB）")
    email_link = BooleanField("把专属查询链接发到我的邮箱")
    agree = BooleanField(
        "我已阅读并同意隐私说明", validators=[DataRequired("请阅读隐私说明并勾选同意，才能提交。")]
    )
    website = StringField("网址（请勿填写）")  # honeypot: people never see it


class LoginForm(CleanForm):
    """Officer or enterprise login."""

    login = StringField("账号", validators=[DataRequired("请输入账号。")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。")])


class TextForm(CleanForm):
    """One text box: reply, note, reason."""

    text = TextAreaField("内容", validators=[DataRequired("内容不能为空。")])


class ModerateForm(CleanForm):
    """Approve one text the reporter typed for the enterprise and the public, possibly edited."""

    target = SelectField("审核哪一段文字", validate_choice=False, default="description")
    text = TextAreaField("公开的文字（可修改：删去姓名、电话、住址等；留空则不公开）")
    reason = StringField(
        "审核理由（记入审计日志）",
        default="删除个人信息或不当内容",
        validators=[DataRequired("请填写审核理由。")],
    )


class NotAcceptForm(CleanForm):
    """Refusal with a reason, optionally naming the case it repeats."""

    text = TextAreaField("不予受理理由", validators=[DataRequired("请填写理由，举报人会看到。")])
    duplicate_of = StringField("重复举报关联的受理编号（可不填）")


class ConcludeForm(CleanForm):
    """The conclusion of an investigation."""

    finding = RadioField(
        "调查结论",
        choices=choices(FINDINGS.items()),
        validators=[InputRequired("请选择调查结论。")],
    )
    action_taken = TextAreaField("采取的措施")
    penalty = StringField("处罚决定书文号（可不填）")
    text = TextAreaField("给举报人的答复", validators=[DataRequired("请填写给举报人的答复。")])


class RectifyForm(CleanForm):
    """A rectification order."""

    requirement = TextAreaField("整改要求", validators=[DataRequired("请填写整改要求。")])
    due = DateField("整改期限", validators=[InputRequired("请填写整改期限。")])


class ExtendForm(CleanForm):
    """One extension of the conclusion deadline."""

    days = IntegerField(
        "延长天数",
        validators=[
            InputRequired("请填写天数。"),
            NumberRange(1, 30, "延长天数须在 1 至 30 天之间。"),
        ],
    )
    text = TextAreaField("延期理由", validators=[DataRequired("请填写延期理由。")])


class TransferForm(CleanForm):
    """Transfer to another body."""

    body = SelectField("接收机构", validate_choice=False)
    text = TextAreaField("转办理由", validators=[DataRequired("请填写转办理由。")])


class AssignForm(CleanForm):
    """Assign to an officer."""

    officer = SelectField("承办人", coerce=int, validate_choice=False)


class ReviewForm(CleanForm):
    """Verify or send back an enterprise's answer."""

    decision = RadioField(
        "核实结果",
        choices=choices([("verify", "整改到位，核实通过"), ("send_back", "退回重新整改")]),
        validators=[InputRequired("请选择核实结果。")],
    )
    text = TextAreaField("意见")


class RewardForm(CleanForm):
    """A reward decision."""

    amount = StringField("金额（元）", validators=[DataRequired("请填写金额。")])
    decided_on = DateField("决定日期", validators=[InputRequired("请填写决定日期。")])
    status = SelectField("状态", choices=choices(REWARD_STATUSES.items()))
    note = TextAreaField("说明")


class ReplyForm(CleanForm):
    """A public reply, optionally from a body's template."""

    template = SelectField(
        "使用答复模板", coerce=int, validate_choice=False, validators=[Optional()]
    )
    text = TextAreaField("公开答复")


class TemplateForm(CleanForm):
    """A response template of the body."""

    title = StringField("模板名称", validators=[DataRequired("请填写模板名称。")])
    text = TextAreaField("模板内容", validators=[DataRequired("请填写模板内容。")])


class RateForm(CleanForm):
    """The reporter's rating."""

    value = RadioField(
        "您对办理结果的评价",
        choices=choices(RATINGS.items()),
        validators=[InputRequired("请选择评价。")],
    )
    reason = TextAreaField("原因（不满意时必填）")


class RespondForm(CleanForm):
    """The enterprise's answer to a rectification order."""

    text = TextAreaField("整改情况说明", validators=[DataRequired("请说明整改情况。")])
    files = MultipleFileField("证明材料（照片或 PDF，最多 5 个）")


class ConfirmForm(CleanForm):
    """A button only (CSRF token included)."""


class AccountForm(CleanForm):
    """A new officer or enterprise account, made by an admin."""

    login = StringField("账号", validators=[DataRequired("请填写账号。"), Length(max=80)])
    name = StringField("姓名或单位简称", validators=[Length(max=120)])
    role = SelectField(
        "角色",
        choices=choices(
            [
                ("officer", "执法人员"),
                ("supervisor", "科长"),
                ("admin", "管理员"),
                ("enterprise", "企业"),
            ]
        ),
    )
    body = SelectField("所属机构（执法人员）", validate_choice=False)
    unit = StringField("排污单位代码（企业账号）")
    email = StringField(
        "通知邮箱（企业账号，可不填）",
        validators=[Optional(), Length(max=254, message="电子邮箱太长。"), EmailAddress()],
    )
    password = PasswordField(
        "初始密码",
        validators=[DataRequired("请设置初始密码。"), Length(min=8, message="密码至少 8 位。")],
    )


class FollowForm(CleanForm):
    """Follow a unit by e-mail (double opt-in)."""

    email = StringField(
        "电子邮箱",
        validators=[
            DataRequired("请填写接收通知的电子邮箱。"),
            Length(max=200, message="电子邮箱太长。"),
            EmailAddress(),
        ],
    )
    agree = BooleanField(
        "我同意用这个邮箱接收该单位的公开信息通知，可随时退订",
        validators=[DataRequired("请勾选同意，才能关注。")],
    )
    website = StringField("网址（请勿填写）")  # honeypot: people never see it
