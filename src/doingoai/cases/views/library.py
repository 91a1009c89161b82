"""Screens of the library area (see the package docstring)."""
