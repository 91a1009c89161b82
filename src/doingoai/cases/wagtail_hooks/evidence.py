"""How the evidence area extends the staff UI: URLs, menu entries, dashboard lines."""
