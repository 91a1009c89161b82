"""Run every benchmark of the platform: `make bench` (or `python bench/run.py NAME…`)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["dashboard", "extraction", "pipeline", "stories", "quality", "search", "claims", "ocr", "catalogue"]


def main(names: list[str]) -> int:
    status = 0
    for name in names or BENCHMARKS:
        print(f"== bench/{name}.py")
        status |= subprocess.call([sys.executable, str(HERE / f"{name}.py")])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
