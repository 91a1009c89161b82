"""Screens of the cases area (see the package docstring)."""
