"""okrsite: turn OKRs and projects kept as Markdown + YAML into a static report site."""

__version__ = "0.1.0"
