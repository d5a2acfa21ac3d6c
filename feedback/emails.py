"""E-mail addresses: one check (email-validator, no DNS) wherever an address enters."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from wtforms import Field
from wtforms.validators import ValidationError

EMAIL_MESSAGE = "电子邮箱格式不对，例如 name@example.com。"
#: RFC 5321 limits a forward path to 254 characters.
MAX_LENGTH = 254


class BadAddress(ValueError):
    """An address that cannot be mailed; the message says why in plain Chinese."""


def normalize_address(raw: str) -> str:
    """The address in its normalized form, or BadAddress; an empty string stays empty."""
    text = (raw or "").strip()
    if not text:
        return ""
    if len(text) > MAX_LENGTH:
        raise BadAddress(f"电子邮箱太长（最多 {MAX_LENGTH} 个字符）：{text[:40]}…")
    try:
        checked = validate_email(
            text,
            check_deliverability=False,
            allow_domain_literal=False,
            allow_display_name=False,
            allow_quoted_local=False,
            allow_smtputf8=False,  # our SMTP path is plain ASCII; IDN domains become punycode
        )
    except EmailNotValidError as exc:
        raise BadAddress(f"{EMAIL_MESSAGE}（{text}：{exc}）") from None
    return checked.ascii_email or checked.normalized


class EmailAddress:
    """WTForms validator: the field holds a mailable address (or nothing); stores it normalized."""

    def __init__(self, message: str = EMAIL_MESSAGE) -> None:
        self.message = message

    def __call__(self, form: object, field: Field) -> None:
        try:
            field.data = normalize_address(field.data or "")
        except BadAddress:
            raise ValidationError(self.message) from None
