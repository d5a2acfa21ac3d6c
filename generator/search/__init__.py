"""Search: text analysis, the index format and its incremental updates; the build writes it, the service reads it."""
