"""Screens of the review area (see the package docstring)."""
