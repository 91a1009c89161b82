"""Publishing, removal and re-review of items (filled by the editorial part)."""
