"""The topic rule language: terms, queries, the fast matcher and explanations (see README)."""
