"""The desk app (Textual). Imported only when the app runs: the CLI and services never load it."""
