"""Travel model, solver adapter and planning of rounds."""
