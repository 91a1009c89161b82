"""How the reports area extends the staff UI: URLs, menu entries, dashboard lines."""
