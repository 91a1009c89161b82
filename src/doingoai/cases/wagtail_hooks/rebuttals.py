"""How the rebuttals area extends the staff UI: URLs, menu entries, dashboard lines."""
