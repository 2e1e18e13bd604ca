"""Packaging: everything under deskterm/ plus the top-level data/ folder, installed as
deskterm.data (issue 18 A). pyproject.toml cannot add a package that `packages.find` does not
see, so the package list is made here; the rest of the configuration stays in pyproject.toml."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["deskterm", "deskterm.*"]), "deskterm.data"])
