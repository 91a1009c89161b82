"""How the uploads area extends the staff UI: URLs, menu entries, dashboard lines."""
