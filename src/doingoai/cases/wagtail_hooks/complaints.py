"""How the complaints area extends the staff UI: URLs, menu entries, dashboard lines."""
