"""Compare two Suite 1 results files run by run: which runs changed their best score.

Used to check that stored records are what the current code gives (rerun a table's
command into a copy of its folder with a search's records removed, then compare), and
to replace only the runs that changed, so that the other runs keep their time columns.

Run: ``python benchmarks/compare_runs.py STORED.json RERUN.json [--searches NAME ...]
[--replace]``. Prints, per search, how many stored runs the rerun has and how many of
those changed; with ``--replace``, the changed runs are copied into STORED.json.
"""

import argparse
import json
from collections import defaultdict

from store import ResultStore


def _search(key):
    return key.split("|")[1]


def changed_runs(stored, rerun, searches=None):
    """Per search, how many runs both files have, and the keys of those whose best scores differ."""
    changed, compared = defaultdict(list), defaultdict(int)
    for key, record in stored.items():
        if key not in rerun or (searches and _search(key) not in searches):
            continue
        compared[_search(key)] += 1
        if record.get("best_score") != rerun[key].get("best_score"):
            changed[_search(key)].append(key)
    return compared, changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stored")
    parser.add_argument("rerun")
    parser.add_argument("--searches", nargs="*")
    parser.add_argument("--replace", action="store_true",
                        help="copy the changed runs of RERUN into STORED")
    args = parser.parse_args(argv)
    store = ResultStore(args.stored)
    with open(args.rerun) as f:
        rerun = json.load(f)
    compared, changed = changed_runs(store.data, rerun, args.searches)
    for search in sorted(compared):
        keys = changed[search]
        print(f"{search}: {compared[search]} runs compared, {len(keys)} changed")
        for key in keys:
            before, after = store.data[key]["best_score"], rerun[key]["best_score"]
            print(f"  {key}: {before!r} -> {after!r}")
    if args.replace:
        store.update({key: rerun[key] for keys in changed.values() for key in keys})


if __name__ == "__main__":
    main()
