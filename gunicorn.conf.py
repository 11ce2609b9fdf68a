"""gunicorn configuration: ``gunicorn 'signing:create_app()'`` picks this file up from the
working directory. Every value can be overridden with GUNICORN_* style command-line flags or the
environment variables read below.

Workers are processes; nothing a request needs lives in one process only (sessions are cookies
backed by the database, rate limits in Redis via SIGNING_RATELIMIT_STORAGE_URI, PDF revisions in
the database, act serialisation in database locks), so any number of workers or machines works.
"""

import multiprocessing
import os

bind = os.environ.get("SIGNING_BIND", "127.0.0.1:8000")
# Signing is CPU-bound (RSA, hashing) and each act holds a database lock for ~10-30 ms:
# one worker per core plus one, each with a few threads for I/O-bound pages and downloads.
workers = int(os.environ.get("SIGNING_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("SIGNING_THREADS", 4))
worker_class = "gthread"
# Verification of an uploaded PDF and a bundle of a national event are the slowest requests.
timeout = int(os.environ.get("SIGNING_TIMEOUT", 120))
graceful_timeout = 30
# One listening socket per worker (SO_REUSEPORT): the kernel spreads connections over the
# workers. With one shared socket a single gthread worker accepted almost every connection of
# a burst (measured: 17.0 s of CPU against 1.3 s for the other worker of two).
reuse_port = True
keepalive = 5
# Uploads are bounded by the app (MAX_CONTENT_LENGTH); headers are bounded here.
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("SIGNING_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Load the app in each worker after fork: engines and connection pools must not be shared.
preload_app = False


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Warm each worker up and freeze its start-up objects before it accepts requests
    (see signing/serving.py: ~0.1 s off the first act, no ~95 ms full collections later)."""
    from signing.serving import prepare_worker

    milliseconds = prepare_worker(worker.wsgi)
    worker.log.info("Worker %s warmed up in %.0f ms", worker.pid, milliseconds)


# SIGNING_MAIL_WORKER=1: the master also runs the mail outbox's worker (`signing notifications
# deliver --follow`), restarted if it dies, stopped with gunicorn. Off by default: a systemd
# service of its own is the recommended set-up (docs/notifications.md), and on several machines
# one such worker per machine is plenty.
def when_ready(server):  # type: ignore[no-untyped-def]
    if os.environ.get("SIGNING_MAIL_WORKER", "").strip().lower() in ("1", "true", "yes", "on"):
        from signing.notifications.beside import WorkerProcess

        server.mail_worker = WorkerProcess(logger=server.log)
        server.mail_worker.start()


def on_exit(server):  # type: ignore[no-untyped-def]
    worker = getattr(server, "mail_worker", None)
    if worker is not None:
        worker.stop()
