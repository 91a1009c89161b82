"""Screens of the items area (see the package docstring)."""
