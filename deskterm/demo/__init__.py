"""Realistic, reproducible demo data: `deskterm demo` (see build.py)."""

from deskterm.demo.build import build_demo
from deskterm.demo.report import DemoReport

__all__ = ["DemoReport", "build_demo"]
