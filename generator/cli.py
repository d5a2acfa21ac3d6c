"""The ``yimatong`` command line: one entry point, commands loaded when used."""

from __future__ import annotations

import importlib

import click

#: command name -> "module:attribute" of a click command or group.
COMMANDS = {
    "build": "generator.build.run:build_command",
    "check": "generator.content.check:check_command",
    "serve": "generator.serve:serve_command",
    "sample": "generator.sample:sample_command",
    "signs": "generator.signs:signs_command",
    "publish": "generator.publish.upload:publish_command",
    "feedback": "feedback.cli:feedback_group",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported only when listed or run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="yimatong")
def main() -> None:
    """一码通 Yimatong: publish pollution permit disclosure pages and handle citizen reports.

    Typical use: `yimatong check` to validate content/, `yimatong build` to write the
    static site to build/site, `yimatong serve` to preview it with the feedback service.
    """
