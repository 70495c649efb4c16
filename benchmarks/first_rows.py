"""What comparing repeated keys exactly costs the import's reading, side by side.

    .venv/bin/python benchmarks/first_rows.py [--rows 200000] [--repeat 3]

Feeds the same realistic keys and rows (a content key, ten fields) to the importer's
`FirstRows.first` (the first row of each key kept in a temporary file and compared value by
value) and to what it replaced: `KeyIndex.setdefault` with a 32-bit hash of the row, which
could let a conflicting row pass as an exact repeat. Prints the median CPU time a row of each.
"""

import argparse
import hashlib
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django

django.setup()

from factcheck.importing import FirstRows, KeyIndex  # noqa: E402


def rows(count):
    for number in range(count):
        key = f"sha256:{hashlib.sha256(str(number).encode()).hexdigest()}"
        text = f"Claim number {number}, long enough to be like the claims a story carries."
        yield (
            key,
            number + 2,
            [text, "Andrii Kovalenko", "unconfirmed", "social_media_post", "B-17", "2024-10-31", "", "", "", ""],
        )


def hashed(data):
    seen = KeyIndex()
    for key, line, original in data:
        seen.setdefault(key, (hash(tuple(original)) & 0xFFFFFFFF) << 32 | line)


def exact(data):
    seen = FirstRows()
    for key, line, original in data:
        seen.first(key, line, original)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    data = list(rows(options.rows))
    times = {hashed: [], exact: []}
    for _ in range(options.repeat):
        for variant in times:
            started = time.process_time()
            variant(data)
            times[variant].append(time.process_time() - started)
    for variant, seconds in times.items():
        per_row = statistics.median(seconds) / options.rows * 1e6
        print(f"{variant.__name__:>6}: {per_row:.1f} µs of CPU a row (median of {options.repeat})")
    extra = (statistics.median(times[exact]) - statistics.median(times[hashed])) / options.rows * 1e6
    print(f"exact comparison costs {extra:.1f} µs a row more: {extra:.1f} s for a million rows")


if __name__ == "__main__":
    main()
