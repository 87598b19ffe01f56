"""Text cleaning: scraped titles and abstracts into plain, readable Unicode (TeX, whitespace)."""
