"""Search and related papers: the static index the browser loads, and similar papers per page."""
