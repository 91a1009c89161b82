"""Staff screens of press monitoring, one module per area. Thin: HTTP in, domain modules do
the work."""
