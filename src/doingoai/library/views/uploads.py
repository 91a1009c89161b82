"""Screens of the uploads area (see the package docstring)."""
