"""Cross-cutting pieces with no routes of their own."""
