"""One-command benchmark of Clipstream against its ceiling (see bench/README.md).

.venv/bin/python bench/run.py                       # default scale, 10 s per endpoint
.venv/bin/python bench/run.py --scale small --duration 3 --warmup 1
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from benchkit.config import (
    BENCH_DIR,
    PASSWORD,
    RUNS_DIR,
    SCALES,
    VENV_BIN,
    Scale,
    Target,
    app_environment,
)
from benchkit.endpoints import ENDPOINTS, LOGIN, VIDEO, Endpoint
from benchkit.inputs import Inputs, login_all, pick, post_json
from benchkit.report import Row, machine_info, markdown, text_table
from benchkit.seeding import SeedOutcome, ensure_seeded
from benchkit.servers import Server, free_port
from benchkit.wrk import WrkResult, WrkRun, ensure_wrk, write_data, wrk_version

# "Unchanged": the video-detail p50 during a login burst is at most this times its p50 alone.
BURST_TOLERANCE = 1.25
# bcrypt-bound: 32 connections of logins wait seconds for an answer; measure long enough.
LOGIN_MIN_SECONDS = 10


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Seed, serve and load Clipstream and its ceiling with wrk; print the table.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    data = parser.add_argument_group("data set")
    data.add_argument("--scale", choices=sorted(SCALES), default="default")
    for name in ("users", "likes", "comments", "follows"):
        data.add_argument(f"--{name}", type=int, help=f"override the scale's {name}")
    data.add_argument("--videos-per-user", type=float, help="override the scale's average")
    data.add_argument("--reseed", action="store_true", help="drop, re-create and seed the database")
    data.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    data.add_argument(
        "--db",
        help="database (default: clipstream_bench, or clipstream_bench_<scale> for another scale "
        "or clipstream_bench_custom with explicit sizes, so runs never clobber each other's data)",
    )
    data.add_argument(
        "--storage",
        type=Path,
        help="video files directory (default: /tmp/bench-media, with the same suffix as --db)",
    )
    load = parser.add_argument_group("load")
    load.add_argument("--duration", type=float, default=10, help="seconds measured per endpoint")
    load.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per endpoint")
    load.add_argument("--connections", type=int, default=32)
    load.add_argument("--threads", type=int, default=1, help="wrk threads (1-2 on a small box)")
    load.add_argument(
        "--burst-connections",
        type=int,
        default=4,
        help="connections of the video-detail load that runs during the login burst",
    )
    load.add_argument("--signed-in", type=int, default=64, help="users logged in for the load")
    load.add_argument(
        "--endpoints",
        default=",".join(e.name for e in ENDPOINTS),
        help="comma-separated subset of: " + ", ".join(e.name for e in ENDPOINTS),
    )
    load.add_argument("--no-ceiling", action="store_true", help="do not run the ceiling app")
    load.add_argument(
        "--skip-sql-check",
        action="store_true",
        help="do not compare the ceiling's SQL with the app's (bench/capture_sql.py) first",
    )
    out = parser.add_argument_group("output")
    out.add_argument("--json", type=Path, default=BENCH_DIR / "last-run.json")
    out.add_argument("--markdown", type=Path, default=BENCH_DIR / "last-run.md")
    return parser.parse_args(argv)


def resolve_scale(args: argparse.Namespace) -> Scale:
    base = SCALES[args.scale]
    return Scale(
        users=args.users or base.users,
        videos_per_user=base.videos_per_user
        if args.videos_per_user is None
        else args.videos_per_user,
        likes=base.likes if args.likes is None else args.likes,
        comments=base.comments if args.comments is None else args.comments,
        follows=base.follows if args.follows is None else args.follows,
    )


def ensure_psycopg_pool() -> None:
    """The ceiling needs psycopg_pool (clipstream depends on psycopg[pool], so it normally is)."""
    if importlib.util.find_spec("psycopg_pool") is None:
        print("psycopg_pool is missing: installing it into this venv", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "psycopg-pool"], check=True
        )


def check_ceiling_sql(target: Target) -> tuple[bool, dict[str, Any]]:
    """Run bench/capture_sql.py --check: whether the ceiling is current, and the app's round
    trips per endpoint (from the capture)."""
    capture = RUNS_DIR / "captured-sql.json"
    completed = subprocess.run(  # noqa: S603
        [
            sys.executable, str(BENCH_DIR / "capture_sql.py"), "--check", "--quiet",
            "--postgres", target.postgres, "--db", target.database,
            "--storage", str(target.storage_dir), "--json", str(capture),
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    for line in completed.stderr.splitlines():
        if line.startswith(("MISMATCH", "FAILED", "the app answered")):
            print(f"  {line}")
    summary: dict[str, Any] = {}
    if capture.exists() and completed.returncode in (0, 1):
        for result in json.loads(capture.read_text()):
            kinds = [event["kind"] for event in result["events"]]
            summary[f"{result['endpoint']}:{result['method']}"] = {
                "statements": kinds.count("sql"),
                "round_trips": len(kinds) - kinds.count("checkout"),
                "checkouts": kinds.count("checkout"),
                "pings": kinds.count("ping"),
                "begin": kinds.count("begin"),
                "commit": kinds.count("commit"),
                "rollback": kinds.count("rollback"),
            }
    return completed.returncode == 0, summary


def app_defaults() -> dict[str, Any]:
    """The settings the app runs with that the benchmark does not override (read from its code)."""
    from adapters.sqlalchemy.engine import create_engine
    from entrypoints.config import Settings

    parameter = inspect.signature(create_engine).parameters.get("pool_size")
    pool_size = "?" if parameter is None else parameter.default
    return {
        "bcrypt cost": Settings().bcrypt_rounds,
        "SQLAlchemy pool (engine default)": f"{pool_size} + {pool_size} overflow",
    }


class Bench:
    """The measured runs: warm-up, then measurement, against one server at a time."""

    def __init__(self, wrk: str, args: argparse.Namespace, inputs: Inputs, app: Server) -> None:
        self.wrk = wrk
        self.args = args
        self.inputs = inputs
        self.app = app

    def fresh_tokens(self) -> None:
        if self.inputs.stale():  # access tokens live 15 minutes
            self.inputs = login_all(self.app.url, self.inputs.picks)

    def data(self, endpoint: Endpoint) -> Path:
        per_thread = endpoint.per_thread(self.inputs.picks, max(1, self.args.threads))
        return write_data(RUNS_DIR / f"wrk-{endpoint.name}.lua", self.inputs.tokens, per_thread)

    def start(self, server: Server, endpoint: Endpoint, seconds: float, connections: int) -> WrkRun:
        return WrkRun(
            self.wrk,
            server.url,
            self.data(endpoint),
            connections=connections,
            threads=self.args.threads,
            seconds=seconds,
        )

    def measure(self, server: Server, endpoint: Endpoint) -> WrkResult:
        self.fresh_tokens()
        self.after(endpoint)
        if self.args.warmup > 0:
            self.start(server, endpoint, self.args.warmup, self.args.connections).result()
            self.after(endpoint)
        seconds = self.args.duration
        if endpoint is LOGIN:
            seconds = max(seconds, LOGIN_MIN_SECONDS)
        result = self.start(server, endpoint, seconds, self.args.connections).result()
        self.after(endpoint)
        return result

    def after(self, endpoint: Endpoint) -> None:
        """Undo or wait out what a run of `endpoint` leaves behind."""
        if endpoint.paired:
            self.unlike_all()  # each run starts with PUTs that create likes; none are left behind
        if endpoint is LOGIN:
            self.drain()

    def drain(self) -> None:
        """Wait for the logins wrk abandoned when it stopped: the server still hashes them. One
        more login queues behind them in the bcrypt thread pool, so it returns once they are done."""
        picks = self.inputs.picks
        post_json(
            f"{self.app.url}/api/v1/auth/login",
            {"login": picks.usernames[0], "password": PASSWORD},
            timeout=120,
        )

    def unlike_all(self) -> None:
        """DELETE every like target, so that each run starts with PUTs that create likes."""
        picks = self.inputs.picks

        def unlike(pair: tuple[int, str]) -> None:
            user, video = pair
            request = urllib.request.Request(  # noqa: S310
                f"{self.app.url}/api/v1/videos/{video}/like",
                headers={"Authorization": f"Bearer {self.inputs.tokens[user]}"},
                method="DELETE",
            )
            with urllib.request.urlopen(request, timeout=30):  # noqa: S310
                pass

        pairs = [(u, v) for u, targets in enumerate(picks.like_targets) for v in targets]
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(unlike, pairs))

    def login_burst(self) -> dict[str, Any]:
        """Video detail at a few connections alone, then during a login burst: its p50 should not
        move much while bcrypt saturates the CPU (it runs in threads, off the event loop). wrk
        counts only the requests that complete, so stalls show in the request rate (closed loop:
        a fixed number of connections) more than in the percentiles: both must hold."""
        self.fresh_tokens()
        n = self.args.burst_connections
        seconds = max(self.args.duration, LOGIN_MIN_SECONDS)
        self.drain()
        alone = self.start(self.app, VIDEO, seconds, n).result()
        burst = self.start(self.app, LOGIN, seconds, self.args.connections)
        during_run = self.start(self.app, VIDEO, seconds, n)
        during, logins = during_run.result(), burst.result()
        self.drain()
        valid = alone.requests > 0 and during.requests > 0
        ratio = during.p50_ms / alone.p50_ms if valid and alone.p50_ms else float("inf")
        rps_ratio = during.rps / alone.rps if alone.rps else 0.0
        return {
            "video_connections": n,
            "login_connections": self.args.connections,
            "p50_alone_ms": round(alone.p50_ms, 2),
            "p50_during_ms": round(during.p50_ms, 2),
            "p99_alone_ms": round(alone.p99_ms, 2),
            "p99_during_ms": round(during.p99_ms, 2),
            "p50_ratio": round(ratio, 2),
            "rps_alone": round(alone.rps, 1),
            "rps_during": round(during.rps, 1),
            "rps_ratio": round(rps_ratio, 3),
            "unchanged": ratio <= BURST_TOLERANCE and rps_ratio >= 1 / BURST_TOLERANCE,
            "tolerance": BURST_TOLERANCE,
            "login_rps_during": round(logins.rps, 1),
            "errors": alone.errors + during.errors + logins.errors,
        }


@dataclass(slots=True)
class Plan:
    """What the run loads and against what, once the data is ready."""

    args: argparse.Namespace
    wrk: str
    target: Target
    scale: Scale
    endpoints: list[Endpoint]
    seed: SeedOutcome
    use_ceiling: bool
    sql_summary: dict[str, Any]
    load_at_start: str


@dataclass(slots=True)
class Outcome:
    rows: list[Row]
    burst: dict[str, Any] | None


def prepare(args: argparse.Namespace) -> Plan:
    """wrk, psycopg_pool, the seeded database, and whether the ceiling is current."""
    load_at_start = " ".join(f"{x:.2f}" for x in os.getloadavg())  # before seeding
    chosen = [e.strip() for e in args.endpoints.split(",") if e.strip()]
    unknown = set(chosen) - {e.name for e in ENDPOINTS}
    if unknown:
        sys.exit(f"unknown endpoints: {', '.join(sorted(unknown))}")
    endpoints = [e for e in ENDPOINTS if e.name in chosen]
    scale = resolve_scale(args)
    suffix = "" if scale == SCALES["default"] else f"_{args.scale}"
    if scale not in SCALES.values():
        suffix = "_custom"
    database = args.db or f"clipstream_bench{suffix}"
    storage = args.storage or Path(f"/tmp/bench-media{suffix.replace('_', '-')}")  # noqa: S108
    target = Target(args.postgres, database, storage)
    RUNS_DIR.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()
    ensure_psycopg_pool()

    print(f"== data: {target.database} at {scale}", flush=True)
    seed = ensure_seeded(target, scale, reseed=args.reseed)
    if seed.reused:
        recorded = f"{seed.recorded_seconds:.1f} s" if seed.recorded_seconds else "not recorded"
        print(f"   reused: {seed.reason} (seed time then: {recorded})")
    else:
        print(f"   seeded in {seed.seed_seconds:.1f} s")
    print(f"   rows: {seed.counts}", flush=True)

    use_ceiling = not args.no_ceiling and any(e.has_ceiling for e in endpoints)
    sql_summary: dict[str, Any] = {}
    if use_ceiling and not args.skip_sql_check:
        print("== checking that bench/ceiling.py issues the app's SQL (bench/capture_sql.py)")
        current, sql_summary = check_ceiling_sql(target)
        if not current:
            print("   the app issues other statements than the ceiling's handlers, or it failed:")
            print("   ceiling skipped. See `.venv/bin/python bench/capture_sql.py --check`.")
            use_ceiling = False
    return Plan(args, wrk, target, scale, endpoints, seed, use_ceiling, sql_summary, load_at_start)


def _line(label: str, result: WrkResult) -> str:
    statuses = f" {result.statuses}" if result.statuses else ""
    return (
        f"   {label:<10} {result.rps:8.0f} req/s  p50 {result.p50_ms:6.1f} ms  "
        f"p99 {result.p99_ms:6.1f} ms  errors {result.errors}{statuses}"
    )


def load(plan: Plan) -> Outcome:
    """Start both servers, log in, measure every endpoint on each; stop the servers whatever
    happens."""
    args = plan.args
    picks = pick(plan.target.conninfo, users=args.signed_in)
    rows: list[Row] = []
    burst: dict[str, Any] | None = None
    app_port, ceiling_port = free_port(), free_port()
    env = app_environment(plan.target, public_url=f"http://127.0.0.1:{app_port}")
    serve = [str(VENV_BIN / "clipstream"), "serve", "--workers", "1", "--port", str(app_port)]
    with ExitStack() as servers:
        app = Server(
            "clipstream", [*serve, "--no-worker"], env, app_port, RUNS_DIR / "clipstream.log"
        )
        servers.enter_context(app).wait_ready()
        ceiling: Server | None = None
        if plan.use_ceiling:
            ceiling = Server(
                "ceiling",
                [sys.executable, str(BENCH_DIR / "ceiling.py"), "--port", str(ceiling_port)],
                {**env, "PYTHONPATH": str(BENCH_DIR)},
                ceiling_port,
                RUNS_DIR / "ceiling.log",
            )
            servers.enter_context(ceiling).wait_ready()
        print(f"== logging in {args.signed_in} seeded users", flush=True)
        started = time.perf_counter()
        bench = Bench(plan.wrk, args, login_all(app.url, picks), app)
        print(f"   {time.perf_counter() - started:.1f} s", flush=True)
        for endpoint in plan.endpoints:
            print(f"== {endpoint.title}", flush=True)
            result = bench.measure(app, endpoint)
            print(_line("clipstream", result), flush=True)
            ceiling_result = None
            if ceiling is not None and endpoint.has_ceiling:
                ceiling_result = bench.measure(ceiling, endpoint)
                print(_line("ceiling", ceiling_result), flush=True)
            rows.append(Row(endpoint.name, endpoint.title, result, ceiling_result))
        if LOGIN in plan.endpoints and VIDEO in plan.endpoints:
            print("== video detail alone, then during a login burst", flush=True)
            burst = bench.login_burst()
    return Outcome(rows, burst)


def report(plan: Plan, outcome: Outcome, started_at: str) -> int:
    """Print the table; write bench/last-run.json and the Markdown. 1 if the run had errors."""
    args, rows, burst = plan.args, outcome.rows, outcome.burst
    machine = machine_info(plan.target.conninfo, wrk_version(plan.wrk))
    settings = {
        "started_at": started_at,
        "scale": asdict(plan.scale),
        "seed": "reused" if plan.seed.reused else f"seeded in {plan.seed.seed_seconds or 0:.1f} s",
        "server": "clipstream serve --workers 1 --no-worker (granian), CLIPSTREAM_ENV=production, "
        "rate limit off",
        **app_defaults(),
        "wrk": f"{args.connections} connections, {args.threads} thread(s), {args.duration:g} s "
        f"measured after {args.warmup:g} s warm-up per endpoint and server",
        "signed-in users": args.signed_in,
        "load average (1, 5, 15 min) at start": plan.load_at_start,
        "load average at end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    extra: list[str] = []
    if burst is not None:
        verdict = "unchanged" if burst["unchanged"] else "NOT unchanged"
        extra.append(
            f"Login burst: `GET /videos/{{id}}` at {burst['video_connections']} connections: "
            f"p50 {burst['p50_alone_ms']} ms and {burst['rps_alone']} req/s alone; "
            f"p50 {burst['p50_during_ms']} ms and {burst['rps_during']} req/s during "
            f"{burst['login_connections']} connections of logins ({burst['login_rps_during']} "
            f"logins/s): p50 x{burst['p50_ratio']}, req/s x{burst['rps_ratio']}: {verdict} "
            f"(tolerance x{BURST_TOLERANCE})."
        )
    if not plan.use_ceiling:
        extra.append("No ceiling in this run.")
    errors = sum(r.app.errors + (r.ceiling.errors if r.ceiling else 0) for r in rows)
    errors += burst["errors"] if burst else 0
    if errors:
        extra.append(f"**This run had {errors} errors (non-2xx or socket): it is not valid.**")

    print()
    print(text_table(rows))
    for line in extra:
        print(line.replace("**", "").replace("`", ""))
    document = {
        "machine": machine,
        "settings": settings,
        "results": [row.as_json() for row in rows],
        "login_burst": burst,
        "sql_per_request": plan.sql_summary,
        "errors": errors,
        "valid": errors == 0,
    }
    args.json.write_text(json.dumps(document, indent=2) + "\n")
    args.markdown.write_text(markdown(rows, machine, settings, extra))
    print(f"\nwrote {args.json} and {args.markdown} (paste the latter into bench/RESULTS.md)")
    return 1 if errors else 0


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")  # unwinds through the `finally`s: servers stop


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    plan = prepare(args)
    return report(plan, load(plan), started_at)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as interrupt:
        sys.exit(f"interrupted ({interrupt}); servers stopped")
