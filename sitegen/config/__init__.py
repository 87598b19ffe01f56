"""The config file: reading and validating sitegen.toml into typed settings."""
