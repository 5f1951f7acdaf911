"""Extractors: where translatable strings come from."""
