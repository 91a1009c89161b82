"""How the review area extends the staff UI: URLs, menu entries, dashboard lines."""
