"""Rendering: pure functions from the site model to (path, bytes) pairs."""
