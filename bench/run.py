"""Run every benchmark and print one table: each figure next to its floor from the same run.

    python bench/run.py [--scale small|large] [--only NAME] [--runs N] [--write-readme]

The large database (1M visitor slips) is built once with `deskterm demo` and cached in
bench/.cache/ by seed and scale. Benchmarks report; they never fail on timing.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from harness import Context, Result, table  # noqa: E402

MODULES = [
    "bench_startup",
    "bench_tui",
    "bench_demo",
    "bench_search",
    "bench_checkout",
    "bench_export",
    "bench_reports",
    "bench_import",
    "bench_saves",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "large"], default="small")
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--write-readme", action="store_true", help="replace the last-run table in bench/README.md"
    )
    args = parser.parse_args()
    ctx = Context(scale=args.scale, seed=args.seed, runs=args.runs)
    started = time.perf_counter()
    results: list[Result] = []
    for name in MODULES:
        if args.only and not any(o in name for o in args.only):
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        t0 = time.perf_counter()
        print(f"… {name}", file=sys.stderr, flush=True)
        out = module.run(ctx)
        results.extend(out)
        print(f"  {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    header = (
        f"Run {datetime.now().strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, "
        f"Python {platform.python_version()}, scale {args.scale}, "
        f"`python bench/run.py --scale {args.scale}` took {elapsed / 60:.1f} min."
    )
    text = header + "\n\n" + table(results)
    print(text)
    if args.write_readme:
        readme = Path(__file__).with_name("README.md")
        body = readme.read_text(encoding="utf-8")
        start, end = "<!-- last-run -->", "<!-- /last-run -->"
        if start in body and end in body:
            body = body.split(start)[0] + start + "\n" + text + "\n" + end + body.split(end)[1]
            readme.write_text(body, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
