"""`python -m bench [name ...]`: run every benchmark module in bench/, one after the other.

A module is any `bench/*_bench.py`; its `main()` is called. A failing benchmark is reported and
the next one still runs; the exit status says whether all of them succeeded.
"""

import importlib
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def discover() -> list[str]:
    return sorted(path.stem for path in BENCH_DIR.glob("*_bench.py"))


def run(name: str) -> tuple[str, float, str]:
    started = time.monotonic()
    saved_argv = sys.argv
    # A module's main() may parse sys.argv; it must not see this runner's arguments.
    sys.argv = [f"bench.{name}"]
    try:
        module = importlib.import_module(f"bench.{name}")
        entry = getattr(module, "main", None)
        if entry is None:
            return "skipped (no main())", time.monotonic() - started, ""
        result = entry()
        # main() may return an exit code like a CLI would.
        if isinstance(result, int) and result != 0:
            return f"failed (exit {result})", time.monotonic() - started, ""
    except SystemExit as exc:
        if exc.code not in (None, 0):
            return f"failed (exit {exc.code})", time.monotonic() - started, ""
    except Exception:  # keep going: one broken benchmark must not hide the others
        return "failed", time.monotonic() - started, traceback.format_exc()
    finally:
        sys.argv = saved_argv
    return "ok", time.monotonic() - started, ""


def main(argv: list[str] | None = None) -> int:
    wanted = argv if argv is not None else sys.argv[1:]
    names = [n for n in discover() if not wanted or {n, n.removesuffix("_bench")} & set(wanted)]
    if not names:
        print(f"no benchmark matches {wanted}; available: {', '.join(discover())}")
        return 2
    outcomes = []
    for name in names:
        print(f"\n=== bench.{name}", flush=True)
        outcome, seconds, details = run(name)
        if details:
            print(details, file=sys.stderr, flush=True)
        outcomes.append((name, outcome, seconds))
    print("\n=== summary")
    for name, outcome, seconds in outcomes:
        print(f"  {name:<24} {outcome:<24} {seconds:7.1f} s")
    print(f"results in {BENCH_DIR / 'results'}")
    return 0 if all(outcome == "ok" for _, outcome, _ in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
