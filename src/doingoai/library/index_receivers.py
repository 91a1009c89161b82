"""Keeps the catalogue index in step with items (filled by the catalogue part)."""
