"""`yimatong feedback open311 ...`: create, list and revoke Open311 API keys (beside the
service's other commands: it creates the app, which the open311 package must not import)."""

from __future__ import annotations

import click


def _app():  # type: ignore[no-untyped-def]
    from feedback.app import create_app

    return create_app()


@click.group("open311")
def open311_group() -> None:
    """Open311 API keys for other systems (12345/12369 platforms, apps)."""


@open311_group.command("create-key")
@click.argument("name")
@click.option(
    "--rate-limit", type=int, default=None, help="Calls per window (default 100 per hour)."
)
def create_key_command(name: str, rate_limit: int | None) -> None:
    """Create a key for client NAME; the key is printed once and only its hash is stored."""
    from feedback.cases import SYSTEM, audit
    from feedback.extensions import db
    from feedback.open311.keys import create_key

    with _app().app_context():
        try:
            key, plain = create_key(name, rate_limit)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        audit(SYSTEM, "api_key", f"创建 Open311 密钥 {key.id}（{key.name}）")
        db.session.commit()
        click.echo(f"已创建密钥 {key.id}（{key.name}）。请妥善转交，之后无法再次查看：")
        click.echo(plain)


@open311_group.command("list-keys")
def list_keys_command() -> None:
    """List keys: id, name, prefix, limit, state, last use."""
    from feedback.open311.keys import all_keys, limit_of

    with _app().app_context():
        for key in all_keys():
            state = "有效" if key.active else f"已吊销 {key.revoked_at:%Y-%m-%d}"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "未使用"
            click.echo(
                f"{key.id}\t{key.name}\t{key.key_prefix}…\t{limit_of(key)}/小时\t{state}\t{used}"
            )


@open311_group.command("revoke-key")
@click.argument("key_id", type=int)
@click.option("--reason", required=True, help="Why the key is revoked (written to the audit log).")
def revoke_key_command(key_id: int, reason: str) -> None:
    """Revoke key KEY_ID at once."""
    from feedback.cases import SYSTEM, audit
    from feedback.extensions import db
    from feedback.open311.keys import revoke_key

    with _app().app_context():
        key = revoke_key(key_id)
        if key is None:
            raise click.ClickException(f"没有编号为 {key_id} 的密钥。")
        audit(SYSTEM, "api_key", f"吊销 Open311 密钥 {key.id}（{key.name}）：{reason}")
        db.session.commit()
        click.echo(f"已吊销密钥 {key.id}（{key.name}）")
