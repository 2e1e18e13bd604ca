"""Issue 17 item 6: the command line fits its ecosystem. Every command's --help, in Chinese and
in English, fits 80 columns (wide characters count two), names its values with meaningful
placeholders, and in Chinese carries none of Click's English words; --version; completion
scripts for bash, zsh and fish."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deskterm.cli.helpfmt import width_of, wrap
from deskterm.i18n import set_language

ROOT = Path(__file__).resolve().parents[2]
ENGLISH_CLICK = (
    "Usage:",
    "Options:",
    "Arguments:",
    "Commands:",
    "Show this message",
    "[default:",
    "[required]",
    "env var:",
    "[OPTIONS]",
    "COMMAND [ARGS]",
)


def every_command(root, path=()):
    yield path, root
    for name, sub in (getattr(root, "commands", None) or {}).items():
        yield from every_command(sub, (*path, name))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_help_fits_80_columns_with_placeholders(cli, lang):
    set_language(lang)
    try:
        from deskterm.cli.main import build_command

        commands = list(every_command(build_command()))
    finally:
        set_language("en")
    assert len(commands) > 15
    for path, _command in commands:
        result = cli("--lang", lang, *path, "--help")
        assert result.exit_code == 0, (path, result.stderr)
        for line in result.output.splitlines():
            assert width_of(line) <= 80, (path, line)
            assert "<str>" not in line and "<int>" not in line, (path, line)
        if lang == "zh":
            assert not [w for w in ENGLISH_CLICK if w in result.output], (path, result.output)
            assert "用法：" in result.output and "显示本帮助并退出。" in result.output


def test_chinese_export_help(cli):
    out = cli("--lang", "zh", "export", "--help").output
    assert (
        "--since DATE" in out
        and "--out PATH" in out
        and "--db PATH|URL" in out
        and "--user CODE" in out
    )
    assert "[默认：csv]" in out and "选项：" in out


def test_wrap_breaks_between_chinese_characters_not_before_punctuation():
    lines = wrap("导出记录（管理员）：visitors 访客、inquiries 咨询。", 20)
    assert all(width_of(line) <= 20 for line in lines)
    assert not any(line[:1] in "，。、：）" for line in lines)


def test_version(cli):
    from deskterm import __version__

    result = cli("--version")
    assert result.exit_code == 0 and result.output == f"deskterm {__version__}\n"


@pytest.mark.parametrize(
    ("shell", "start"),
    [
        ("bash", "_deskterm_completion()"),
        ("zsh", "#compdef deskterm"),
        ("fish", "complete --command deskterm"),
    ],
)
def test_completion_scripts(shell, start, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "_DESKTERM_COMPLETE": f"source_{shell}"}
    script = subprocess.run(
        [sys.executable, "-m", "deskterm"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert script.returncode == 0 and start in script.stdout
    env.update(
        {"_DESKTERM_COMPLETE": "complete_bash", "COMP_WORDS": "deskterm exp", "COMP_CWORD": "1"}
    )
    words = subprocess.run(
        [sys.executable, "-m", "deskterm"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert words.stdout.split() == ["export"]
    assert list(tmp_path.iterdir()) == []  # completing never opens the app nor makes a database


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["export", "bogus"], "错误：'KIND' 的值无效：“bogus”不是可选值之一：visitors, inquiries"),
        (["export"], "错误：缺少参数 'KIND'。"),
        (["export", "visitors", "--bogus"], "错误：没有选项 '--bogus'。"),
        (
            ["export", "visitors", "--since", "nope"],
            "不是日期（如 2026-11-28, 20261128, today, yesterday, -7d）",
        ),
    ],
)
def test_usage_errors_in_chinese(cli, desk_db, args, words):
    result = cli("--lang", "zh", *args, "--db", desk_db)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "请运行“deskterm export --help”查看用法。" in result.stderr
