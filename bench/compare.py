"""Two runs side by side (e.g. the default scale and x10), as a Markdown table for RESULTS.md.

.venv/bin/python bench/run.py --json bench/.runs/x1.json --markdown bench/.runs/x1.md
.venv/bin/python bench/run.py --scale x10 --json bench/.runs/x10.json --markdown bench/.runs/x10.md
.venv/bin/python bench/compare.py bench/.runs/x1.json bench/.runs/x10.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

GROWTH_TARGET = 1.2  # issue: every page within 1.2x of its x1 latency at x10


def _scale(run: dict[str, Any]) -> str:
    scale = run["settings"]["scale"]
    return f"{scale['users']:,} users, {round(scale['users'] * scale['videos_per_user']):,} videos"


def table(first: dict[str, Any], second: dict[str, Any], names: tuple[str, str]) -> str:
    """One row per endpoint of `first`: requests per second and p50 of each run, p50 growth."""
    a, b = names
    lines = [
        f"| endpoint | {a} req/s | {a} p50 | {b} req/s | {b} p50 | p50 {b}/{a} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    later = {row["endpoint"]: row for row in second["results"]}
    for row in first["results"]:
        other = later.get(row["endpoint"])
        one = row["clipstream"]
        if other is None:
            lines.append(
                f"| `{row['title']}` | {one['rps']:,.0f} | {one['p50_ms']:.1f} ms | - | - | - |"
            )
            continue
        two = other["clipstream"]
        growth = two["p50_ms"] / one["p50_ms"] if one["p50_ms"] else float("inf")
        flag = "" if growth <= GROWTH_TARGET else " !"
        lines.append(
            f"| `{row['title']}` | {one['rps']:,.0f} | {one['p50_ms']:.1f} ms | "
            f"{two['rps']:,.0f} | {two['p50_ms']:.1f} ms | x{growth:.2f}{flag} |"
        )
    lines += [
        "",
        f"{a}: {_scale(first)}, {first['settings']['seed']}, load average at start "
        f"{first['settings']['load average (1, 5, 15 min) at start']}.",
        f"{b}: {_scale(second)}, {second['settings']['seed']}, load average at start "
        f"{second['settings']['load average (1, 5, 15 min) at start']}.",
        f"`!`: p50 grew more than x{GROWTH_TARGET}.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path, help="the JSON of a run (bench/run.py --json)")
    parser.add_argument("second", type=Path, help="the JSON of another run")
    parser.add_argument("--names", nargs=2, default=("x1", "x10"), metavar=("FIRST", "SECOND"))
    args = parser.parse_args()
    first, second = (json.loads(path.read_text()) for path in (args.first, args.second))
    a, b = args.names
    print(table(first, second, (str(a), str(b))), end="")


if __name__ == "__main__":
    main()
