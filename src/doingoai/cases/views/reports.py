"""Screens of the reports area (see the package docstring)."""
