"""Run every benchmark: ``python -m bench [--quick]``."""

from __future__ import annotations

import argparse

from bench import dashboard_callbacks, ingest_demo, ingest_logs, score_nation, xlsx_validation

BENCHMARKS = {
    "ingest-demo": ingest_demo.run,
    "score-nation": score_nation.run,
    "dashboard-callbacks": dashboard_callbacks.run,
    "ingest-logs": ingest_logs.run,
    # --- xlsx validation vs frictionless (skips without the bench extra) ---
    "xlsx-validation": xlsx_validation.run,
}

# --- reliability ---
from bench import reliability  # noqa: E402  (a block of its own: the import line above stays the others')

BENCHMARKS["reliability"] = reliability.run
# --- end reliability ---


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], help="only these benchmarks")
    args = parser.parse_args()
    failed = []
    for name, run in BENCHMARKS.items():
        if args.names and name not in args.names:
            continue
        if not run(quick=args.quick):
            failed.append(name)
    if failed:
        raise SystemExit(f"targets missed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
