"""Screens of the clocks area (see the package docstring)."""
