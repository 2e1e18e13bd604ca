"""What the demo built: rows per table, the time it took, and how to sign in."""

from __future__ import annotations

from dataclasses import dataclass, field

from deskterm.i18n import _


@dataclass
class DemoReport:
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows
    elapsed: float = 0.0  # seconds
    seed: int = 7
    scale: int = 1

    def lines(self) -> list[str]:
        width = max((len(name) for name in self.counts), default=0)
        title = _("Demo data (scale {scale}, seed {seed}):")
        out = [title.format(scale=self.scale, seed=self.seed)]
        out += [f"  {name:<{width}}  {count:>12,}" for name, count in sorted(self.counts.items())]
        out.append(_("Built in {seconds:.1f} s.").format(seconds=self.elapsed))
        out.append(_("Demo accounts: op1 / sup1 / admin1, password demo1234 (demo database only)."))
        return out
