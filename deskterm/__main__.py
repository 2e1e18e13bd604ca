"""`python -m deskterm` runs the command line, exactly like the `deskterm` script."""

from deskterm.cli.main import run

if __name__ == "__main__":
    run()
