"""How the library area extends the staff UI: URLs, menu entries, dashboard lines."""
