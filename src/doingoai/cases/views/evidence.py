"""Screens of the evidence area (see the package docstring)."""
