"""The project translation memory: fuzzy lookup over reviewed and approved translations and TMX files."""
