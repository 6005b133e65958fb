"""A JSON file of results keyed by run, rewritten atomically after every run (resumable)."""

import json
import math
import os


def _jsonable(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return _jsonable(value.item())
    return value


class ResultStore:
    def __init__(self, path):
        self.path = path
        self.data = {}
        if os.path.exists(path):
            with open(path) as f:
                self.data = json.load(f)

    def __contains__(self, key):
        # A run that failed for want of a library is retried next time.
        return key in self.data and self.data[key].get("status") != "unavailable"

    def __len__(self):
        return len(self.data)

    def put(self, key, record):
        self.update({key: record})

    def update(self, records):
        """Store several records with one rewrite of the file."""
        self.data.update({key: _jsonable(record) for key, record in records.items()})
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f, indent=1)
        os.replace(tmp, self.path)

    def records(self):
        return list(self.data.values())
