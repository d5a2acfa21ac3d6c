"""The directory file: what a build publishes for the feedback service about the site.

``records`` holds the format (plain records, reading and writing, no content model), so the
service can import it; ``write`` makes the file from a loaded ``Site`` (the build step).
See docs/build.md ("The directory file").
"""
