"""The store: `data/`, the archive's truth, as small git-friendly per-day JSON files."""

from sitegen.store.store import Store, StoreChanges

__all__ = ["Store", "StoreChanges"]
