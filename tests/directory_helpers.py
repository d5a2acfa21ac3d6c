"""Write the directory file the feedback service reads, for fixture content (tests only)."""

from __future__ import annotations

from pathlib import Path

from generator.content.model import Site
from generator.content.readers import load_site
from generator.directory.records import write
from generator.directory.write import directory_of

FIXTURE_CONTENT = Path(__file__).resolve().parent / "fixtures" / "content"


def write_directory_file(path: Path, site: Site | None = None) -> Path:
    """The directory file of ``site`` (else of the fixture content) at ``path``."""
    write(path, directory_of(site if site is not None else load_site(FIXTURE_CONTENT)))
    return path
