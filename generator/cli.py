"""The ``yimatong`` command line: one entry point, commands loaded when used.

The generator's own commands are listed here; other packages add theirs through the
``yimatong.commands`` entry points (pyproject.toml), e.g. ``serve`` and ``feedback`` from the
feedback service, so the generator never imports the service.
"""

from __future__ import annotations

import importlib
from importlib.metadata import EntryPoint, entry_points

import click

#: The entry-point group other packages register their commands in.
GROUP = "yimatong.commands"

#: command name -> "module:attribute" of a click command or group of the generator.
COMMANDS = {
    "build": "generator.build.command:build_command",
    "check": "generator.content.check:check_command",
    "monitoring": "generator.monitoring.command:monitoring_group",
    "sample": "generator.sample:sample_command",
    "signs": "generator.signs:signs_command",
    "publish": "generator.publish.upload:publish_command",
    "nginx-config": "generator.publish.nginx:nginx_command",
    "cycle": "generator.cycle:cycle_command",
    "search": "generator.search.command:search_group",
}


def plugin_commands() -> dict[str, EntryPoint]:
    """Commands other installed packages register, by name (the generator's own win)."""
    return {ep.name: ep for ep in entry_points(group=GROUP) if ep.name not in COMMANDS}


class LazyGroup(click.Group):
    """A click group whose commands are imported only when listed or run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *plugin_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is not None:
            module, attr = target.split(":")
            return getattr(importlib.import_module(module), attr)
        plugin = plugin_commands().get(cmd_name)
        return None if plugin is None else plugin.load()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="yimatong")
def main() -> None:
    """一码通 Yimatong: publish pollution permit disclosure pages and handle citizen reports.

    Typical use: `yimatong check` to validate content/, `yimatong build` to write the
    static site to build/site, `yimatong serve` to preview it with the feedback service.
    """


if __name__ == "__main__":  # the steps of `yimatong cycle` run as python -m generator.cli
    main(prog_name="yimatong")
