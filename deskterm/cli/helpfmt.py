"""Help that fits 80 columns in Chinese too, with Click's own words in the chosen language.

Click wraps help by counting characters, so a Chinese line (each character two columns wide,
and no spaces to break at) ran to 115 columns. Every command of the app gets DeskContext
(`install`), whose formatter measures display width (wide characters count two), breaks
between Chinese characters (never before closing punctuation) and after `|` in a long list of
choices, and says "Usage:" and the help option's text in the chosen language. The section
headings and "[default: …]" are translated by Typer through gettext (i18n._speak_to_click).
Only public API: the formatter extends `typer.Context.formatter_class`.
"""

from __future__ import annotations

import unicodedata

import typer

from deskterm.i18n import N_, _, current_language

# Click's and Typer's words that reach the formatter untranslated (set in their own code)
CLICK_WORDS = {
    "Show this message and exit.": N_("Show this message and exit."),
    "Install completion for the current shell.": N_("Install completion for the current shell."),
    "Show completion for the current shell, to copy it or customize the installation.": N_(
        "Show completion for the current shell, to copy it or customize the installation."
    ),
}
USAGE_WORDS = {"[OPTIONS]": N_("[OPTIONS]"), "COMMAND [ARGS]...": N_("COMMAND [ARGS]...")}
_NO_LINE_START = frozenset("，。、；：？！）》」』】”’,.;:?!)]}%")
_NO_LINE_END = frozenset("（《「『【“‘([{")


def width_of(text: str) -> int:
    """Columns the text takes in a terminal: wide (CJK) characters count two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _tokens(text: str) -> list[str]:
    """Words, single wide characters (with the punctuation that may not be split from them)
    and " " for a run of spaces; a line may break between any two tokens."""
    tokens: list[str] = []
    word = ""
    glue = False  # the last token is opening punctuation: the next one sticks to it

    def push(token: str) -> None:
        nonlocal glue
        if tokens and tokens[-1] != " " and (glue or token[0] in _NO_LINE_START):
            tokens[-1] += token
        else:
            tokens.append(token)
        glue = token[-1] in _NO_LINE_END

    for ch in text:
        if ch.isspace():
            if word:
                push(word)
                word = ""
            if tokens and tokens[-1] != " ":
                tokens.append(" ")
            glue = False
        elif unicodedata.east_asian_width(ch) in "WF":
            if word:
                push(word)
                word = ""
            push(ch)
        else:
            word += ch
            if ch == "|":  # a long list of choices breaks after its bars
                push(word)
                word = ""
    if word:
        push(word)
    return tokens


def wrap(text: str, width: int, initial: str = "", subsequent: str = "") -> list[str]:
    """Lines of at most `width` columns (a single token wider than that stands alone)."""
    lines: list[str] = []
    line, used, fresh, space = initial, width_of(initial), True, False
    for token in _tokens(text):
        if token == " ":
            space = True
            continue
        size = width_of(token)
        gap = 1 if space and not fresh else 0
        if not fresh and used + gap + size > width:
            lines.append(line.rstrip())
            line, used, gap = subsequent, width_of(subsequent), 0
        line += " " * gap + token
        used += gap + size
        fresh = space = False
    lines.append(line.rstrip())
    return lines


# Typer names its (vendored) Click help formatter only as this attribute, which mypy cannot
# take as a base class: a typing gap of the library, not of this class.
class DeskFormatter(typer.Context.formatter_class):  # type: ignore[misc, valid-type]
    """Click's help formatter, measuring display width and speaking the chosen language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = prefix if prefix is not None else _("Usage:") + " "
        for word, mine in USAGE_WORDS.items():
            args = args.replace(word, _(mine))
        head = f"{'':>{self.current_indent}}{prefix}{prog} "
        lines = wrap(args, self.width, head, " " * min(width_of(head), 24))
        self.write("\n".join(lines) + "\n")

    def write_heading(self, heading: str) -> None:
        colon = "：" if current_language() == "zh_CN" else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        paragraphs = text.split("\n\n")
        out = []
        for paragraph in paragraphs:
            if paragraph.startswith("\b"):  # Click's mark: keep these lines as they are
                out += [indent + line for line in paragraph[1:].strip("\n").splitlines()]
            else:
                out += wrap(" ".join(paragraph.split()), self.width, indent, indent)
            out.append("")
        self.write("\n".join(out[:-1]) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = (
            min(max((width_of(first) for first, _second in rows), default=0), col_max) + col_spacing
        )
        indent = " " * self.current_indent
        for first, second in rows:
            second = _(CLICK_WORDS[second]) if second in CLICK_WORDS else second
            for bare in (" <str>", " <int>", " <path>"):  # an argument's placeholder says it
                first = first.removesuffix(bare)
            heads = wrap(first, self.width - self.current_indent, indent, indent + "  ")
            text_width = max(self.width - first_col - self.current_indent, 20)
            body = wrap(" ".join(second.split()), text_width) if second else []
            pad = " " * (first_col + self.current_indent)
            if len(heads) == 1 and width_of(first) <= first_col - col_spacing and body:
                self.write(heads[0] + " " * (first_col - width_of(first)) + body[0] + "\n")
                body = body[1:]
            else:
                self.write("\n".join(heads) + "\n")
            for line in body:
                self.write(pad + line + "\n")


class DeskContext(typer.Context):
    formatter_class = DeskFormatter


# What an option's or argument's value is, by its name, where the command did not say
# (Typer would show <str> or <int>); tests/cli/test_help.py finds any left without one.
PLACEHOLDERS = {
    "date": "DATE",
    "since": "DATE",
    "until": "DATE",
    "code": "CODE",
    "admin": "CODE",
    "user": "CODE",
    "out": "PATH",
    "path": "PATH",
    "file": "PATH",
    "db": "PATH|URL",
    "name": "NAME",
    "admin_name": "NAME",
    "role": "ROLE",
    "shift": "N",
    "seed": "N",
    "scale": "N",
    "visitors": "N",
    "older_than": "DAYS",
    "reason": "TEXT",
    "kind": "KIND",
}


def install(command) -> None:
    """Give `command` and every subcommand under it the DeskContext (help at 80 columns in the
    chosen language) and a meaningful placeholder to each value that has none."""
    command.context_class = DeskContext
    for param in command.params:
        if param.metavar is None and param.name in PLACEHOLDERS:
            param.metavar = PLACEHOLDERS[param.name]
    for sub in (getattr(command, "commands", None) or {}).values():
        install(sub)
