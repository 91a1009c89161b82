"""Screens of the complaints area (see the package docstring)."""
