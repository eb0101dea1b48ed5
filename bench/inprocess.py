"""Time pages inside one Django process: no server, no network, no load generator.

Run by bench/run.py with the benchmark's settings and database; prints one JSON
line per page: mean milliseconds per request, SQL queries and their milliseconds.
It shows where an uncached page's time goes (the database or Python).

Usage: bench/inprocess.py PATH... (with the environment bench/run.py sets)
"""

import json
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REQUESTS = 50


def main(paths):
    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    sql = []

    def timed(execute, *args):
        start = time.perf_counter()
        try:
            return execute(*args)
        finally:
            sql.append(time.perf_counter() - start)

    for path in paths:
        client.get(path)  # warm: templates compiled, connection open
        sql.clear()
        start = time.perf_counter()
        with connection.execute_wrapper(timed):
            for _ in range(REQUESTS):
                status = client.get(path).status_code
                if status != 200:
                    sys.exit(f"{path} answered {status}, not 200")
        elapsed = time.perf_counter() - start
        print(
            json.dumps(
                {
                    "path": path,
                    "ms": elapsed / REQUESTS * 1000,
                    "queries": len(sql) / REQUESTS,
                    "sql_ms": sum(sql) / REQUESTS * 1000,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
