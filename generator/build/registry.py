"""The build steps, in the order their records are kept: add a step by importing its
function here and listing it in ``STEPS`` (see docs/build.md, "The steps")."""

from __future__ import annotations

from generator.context import Step
from generator.directory.events import write_events
from generator.directory.write import write_directory
from generator.opendata.downloads import write_open_data
from generator.opendata.feeds import write_feeds
from generator.publish.netlify import write_netlify_redirects
from generator.search.index import write_index

#: Every step a build runs beside the pages (named "module:function", as in the build state).
STEPS: tuple[Step, ...] = (
    Step(write_open_data),
    Step(write_feeds),
    Step(write_netlify_redirects),
    Step(write_index),
    Step(write_directory),
    Step(write_events),
)

#: The step whose files live outside the site (settings["search_index_dir"]).
SEARCH_STEP = Step(write_index).name


def step_names() -> list[str]:
    """The name of every step, in order."""
    return [step.name for step in STEPS]
