"""How the cases area extends the staff UI: URLs, menu entries, dashboard lines."""
