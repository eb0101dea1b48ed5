"""gunicorn's settings for this site, read from the directory gunicorn starts in.

Everything else comes from the command line (README, "Running in production"). This
file only refuses a setup that would serve out-of-date pages: several worker
processes (--workers or WEB_CONCURRENCY) each with its own local-memory cache
(sitecache/checks.py). A file given with -c replaces this one, check included.
"""

import sys


def post_worker_init(worker):
    """Stop the server if its worker processes would each keep their own cache.

    Checked in each worker once the site is loaded there, so that it reads the very
    settings the site runs with; the master never imports the site, so a reload
    (HUP) still picks up new code. A worker that exits with gunicorn's boot-error
    code stops the whole server, non-zero, before any request is answered.
    """
    from gunicorn.arbiter import Arbiter

    from sitecache.checks import per_process_cache_problem

    problem = per_process_cache_problem(worker.cfg.workers)
    if problem:
        worker.log.error(problem)
        sys.exit(Arbiter.WORKER_BOOT_ERROR)
