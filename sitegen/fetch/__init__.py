"""The fetch stage: sources' listings over HTTP into the store, day by day, with a ledger."""
