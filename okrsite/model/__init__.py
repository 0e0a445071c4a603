"""The model stage: documents -> Site. Assembly and reference checks, the frozen model, the
OKR arithmetic (pure functions) and periods."""
