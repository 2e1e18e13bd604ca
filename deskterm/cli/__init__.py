"""The Typer command line. Command modules import the database layer only inside commands,
so that `deskterm --help` starts without SQLModel or Textual.
"""
