"""`sitegen check`: a report on the store and the topics, for the user and for CI."""
