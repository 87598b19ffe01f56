"""sitegen: research-paper feeds anyone can fork."""

__version__ = "0.1.0"
GENERATOR_NAME = "sitegen"
GENERATOR_URL = "https://github.com/sitegen/sitegen"
