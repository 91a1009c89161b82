"""How the items area extends the staff UI: URLs, menu entries, dashboard lines."""
