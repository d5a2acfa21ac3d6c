"""Open data: downloads, their data package and dictionary, byte-range chunks and Atom feeds."""
