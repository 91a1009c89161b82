"""How the clocks area extends the staff UI: URLs, menu entries, dashboard lines."""
