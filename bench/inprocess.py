"""Time pages inside one Django process: no server, no network, no load generator.

Run by bench/run.py with the benchmark's settings and database; prints one JSON
line per page: mean milliseconds per request, SQL queries and their milliseconds.
It shows where an uncached page's time goes (the database or Python).

A path written ``cold:/services/?q=…`` is timed with its search words looked up afresh
each time (as the first search with those words after an edit is), not from the words'
listings kept per site version. A last line gives the facet index's build time and size.

Usage: bench/inprocess.py PATH... (with the environment bench/run.py sets)
"""

import json
import pickle
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REQUESTS = 50


def main(paths):
    django.setup()
    from django.db import connection
    from django.test import Client

    from directory import facet_index

    client = Client(HTTP_HOST="127.0.0.1")
    sql = []

    def timed(execute, *args):
        start = time.perf_counter()
        try:
            return execute(*args)
        finally:
            sql.append(time.perf_counter() - start)

    for path in paths:
        cold = path.startswith("cold:")
        path = path.removeprefix("cold:")
        words = parse_qs(urlsplit(path).query).get("q", [""])[0]
        client.get(path)  # warm: templates compiled, connection open, index built
        sql.clear()
        elapsed = 0.0
        with connection.execute_wrapper(timed):
            for _ in range(REQUESTS):
                if cold:
                    facet_index.forget_text(words)
                start = time.perf_counter()
                status = client.get(path).status_code
                elapsed += time.perf_counter() - start
                if status != 200:
                    sys.exit(f"{path} answered {status}, not 200")
        print(
            json.dumps(
                {
                    "path": ("cold:" if cold else "") + path,
                    "ms": elapsed / REQUESTS * 1000,
                    "queries": len(sql) / REQUESTS,
                    "sql_ms": sum(sql) / REQUESTS * 1000,
                }
            ),
            flush=True,
        )
    start = time.perf_counter()
    index = facet_index.build()
    build_ms = (time.perf_counter() - start) * 1000
    print(
        json.dumps(
            {
                "index": True,
                "listings": len(index.ids),
                "build_ms": build_ms,
                "bytes": len(pickle.dumps(index, pickle.HIGHEST_PROTOCOL)),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
