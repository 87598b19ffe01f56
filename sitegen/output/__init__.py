"""The output folder's state: the writer (the only code that writes or deletes there), its cache, keys and manifest."""
