"""The app's stylesheet: Textual's, parsing each CSS source once instead of on every change.

Textual re-parses *every* CSS source of the app (its own widgets' DEFAULT_CSS, app.tcss, each
screen's file) whenever one is added: the first time an area screen opens it reads the
screen's file and its new widget kinds, and parsed everything again three or four times
(`_load_screen_css`, `refresh_css` twice, the lazy parse after a new DEFAULT_CSS): about a
third of opening an area (bench/bench_tui.py). Its own cache is dropped by `reparse()` (a new
Stylesheet) and holds 64 sources, fewer than the app has. Here the parsed rules of a source
are kept by its text, location, priority and the CSS variables they were parsed with, so a
reparse only parses what is new. The rules are the same objects Textual's cache would give.
"""

from __future__ import annotations

from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

MAX_PARSED = 1024  # sources × themes seen; far more than the app has


class DeskStylesheet(Stylesheet):
    def __init__(self, *, variables: dict[str, str] | None = None,
                 parsed: dict[tuple, dict[tuple, list[RuleSet]]] | None = None) -> None:
        super().__init__(variables=variables)
        # {the variables: {(css, location, defaults?, tie breaker, scope): rules}}
        self._parsed: dict[tuple, dict[tuple, list[RuleSet]]] = {} if parsed is None else parsed
        self._parsed_here: dict[tuple, list[RuleSet]] | None = None  # for self._variables

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._parsed_here = None

    def _parse_rules(self, css: str, read_from: CSSLocation, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        parsed = self._parsed_here
        if parsed is None:
            if sum(len(d) for d in self._parsed.values()) >= MAX_PARSED:
                self._parsed.clear()
            parsed = self._parsed.setdefault(tuple(sorted(self._variables.items())), {})
            self._parsed_here = parsed
        key = (css, read_from, is_default_rules, tie_breaker, scope)
        rules = parsed.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            parsed[key] = rules
        return rules

    def copy(self) -> DeskStylesheet:
        stylesheet = DeskStylesheet(variables=self._variables.copy(), parsed=self._parsed)
        stylesheet.source = self.source.copy()
        return stylesheet

    def reparse(self) -> None:
        """Textual's reparse (a fresh stylesheet, swapped in if it parses), sharing the
        parsed sources."""
        stylesheet = DeskStylesheet(variables=self._variables, parsed=self._parsed)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            stylesheet.add_source(css, read_from=read_from, is_default_css=is_defaults,
                                  tie_breaker=tie_breaker, scope=scope)
        try:
            stylesheet.parse()
        except Exception:
            self._invalid_css.update(stylesheet._invalid_css)
            raise
        else:
            self._rules = stylesheet.rules
            self._rules_map = None
            self.source = stylesheet.source
            self._require_parse = False
