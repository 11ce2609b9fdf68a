"""54 officials acting at once through the JSON API, against gunicorn on PostgreSQL.

The meeting of the source article, as HTTP: the 14 Kabupaten/Kota of Kalimantan Tengah, each
with its Bupati/Wali Kota (sign), its Wakil (paraf, as a stand-in), its Ketua DPRD (sign); the
Gubernur signing all 14 one after another, the Wakil Gubernur and the Ketua DPRD Provinsi
witnessing all 14; and nine Ketua DPRD whose e-office system sends the same act twice (a
double click). 54 clients, 93 requests, each act its own ``POST
/api/v1/commitments/{id}/slots/{slot}/acts`` with its own bearer token.

The event's routing lets every party act in any order (``groups: [[kepala_daerah, ketua_dprd,
gubernur]]``, witnesses any time): the figure is the server's capacity, not officials waiting
for their turn. A paraf that arrives after the commitment completed is refused (409
``complete``), as it should be; a duplicate gets 409 ``already_done``.

Two arrival patterns:

* ``burst``: all 54 clients start at the same instant (the worst case);
* ``paced``: each client starts at a random moment within ``window`` seconds (the meeting: 54
  people acting "within minutes").

Afterwards everything is checked against the database and the PDFs: every 201 is an act row
and a signature in the commitment's current PDF, nothing is there that was not answered 201,
no field holds two signatures, every PDF validates (pyHanko) with exactly the expected
signatures, and the audit chain holds. "Lost" counts 201 answers whose act is missing from the
database or from the PDF; it must be 0.

The gunicorn server runs ``gunicorn.conf.py`` of the repository (gthread workers), on loopback,
with the rate-limit storage in Redis when Redis answers.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from bench.bench_act import PASSPHRASE, account, bench_event, prepare_officials

ROOT = Path(__file__).resolve().parents[1]
#: What gunicorn.conf.py's post_worker_init logs when a worker is warm.
WARMED_UP = "warmed up in"
REGIONS = [f"62.{n:02d}" for n in range(1, 14)] + ["62.71"]
PROVINCIAL = ("gubernur", "wakil-gubernur", "ketua-dprd-provinsi")
ANY_ORDER = {
    "mode": "groups",
    "groups": [["kepala_daerah", "ketua_dprd", "gubernur"]],
    "witnesses": "anytime",
}
REDIS_URL = os.environ.get("SIGNING_BENCH_REDIS", "redis://127.0.0.1:6379/11")
ACCESS_LOG_FORMAT = "%(p)s %(r)s %(s)s"


# ------------------------------------------------------------------------------ server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_reachable(url: str = REDIS_URL) -> bool:
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        client.close()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not usable here"
        return False


def flush_redis(url: str = REDIS_URL) -> None:
    """Empty the one Redis database the benchmark uses (counters of an earlier run)."""
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


@dataclass
class Server:
    base: str
    host: str
    port: int
    process: subprocess.Popen  # type: ignore[type-arg]
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def served_by(self, marker: str) -> list[tuple[int, int]]:
        """(worker pid, status) of every logged request whose request line contains
        ``marker``."""
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0].startswith("<") and marker in line:
                found.append((int(parts[0].strip("<>")), int(parts[-1])))
        return found


def server_env(app: Flask, *, workers: int, port: int, ratelimit: str) -> dict[str, str]:
    """The environment that makes gunicorn's workers the same app as ``app`` (database, CA,
    secret key, instance folder)."""
    config = app.config
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNING_")}
    env.update(
        {
            "SIGNING_BIND": f"127.0.0.1:{port}",
            "SIGNING_WORKERS": str(workers),
            "SIGNING_DATABASE_URL": config["DATABASE_URL"],
            "SIGNING_CERTS_DIR": config["CERTS_DIR"],
            "SIGNING_SECRET_KEY": config["SECRET_KEY"],
            "SIGNING_INSTANCE_PATH": app.instance_path,
            "SIGNING_BASE_URL": f"http://127.0.0.1:{port}",
            "SIGNING_RATELIMIT_STORAGE_URI": ratelimit,
            "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        }
    )
    # The CA's own passphrase, when the app was given one (else instance/ca_passphrase is read).
    if config.get("CA_PASSPHRASE"):
        env["SIGNING_CA_PASSPHRASE"] = str(config["CA_PASSPHRASE"])
    return env


@contextlib.contextmanager
def gunicorn(
    app: Flask,
    folder: Path,
    *,
    workers: int,
    ratelimit: str = "memory://",
    timeout: float = 60,
    extra_args: tuple[str, ...] = (),
) -> Iterator[Server]:
    """``gunicorn -c gunicorn.conf.py 'signing:create_app()'`` on a free loopback port.

    The access log names the worker that served each request (``<pid> <request line>
    <status>``), so a test can tell which process answered.
    """
    port = free_port()
    log = folder / f"gunicorn-{workers}w-{port}.log"
    handle = log.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            *extra_args,
            "signing:create_app()",
        ],
        cwd=ROOT,
        env=server_env(app, workers=workers, port=port, ratelimit=ratelimit),
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{port}", "127.0.0.1", port, process, log)
    try:
        _wait_ready(server, timeout, workers=workers)
        yield server
    finally:
        _stop(process)
        handle.close()


def _wait_ready(server: Server, timeout: float, *, workers: int) -> None:
    """Until the server answers and every worker has logged the end of its warm-up
    (``post_worker_init`` in gunicorn.conf.py): the measurements start with warm workers,
    as a server that has been running for a while has them."""
    deadline = time.monotonic() + timeout
    answered = False
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError("gunicorn exited:\n" + server.log_tail())
        if not answered:
            try:
                connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
                connection.request("GET", "/api/v1/openapi.json")
                answered = connection.getresponse().status == 200
                connection.close()
            except OSError:
                pass
        if answered and server.log.read_text(errors="replace").count(WARMED_UP) >= workers:
            return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time:\n" + server.log_tail())


def _stop(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group this function started, only
        process.wait(10)


def worker_pids(server: Server) -> set[int]:
    """The worker processes of this gunicorn master (from /proc)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == server.process.pid:
            pids.add(int(entry.name))
    return pids


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime (fields 14 and 15 of the whole line) in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_backends(database: str) -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres:") and f" {database} " in title:
            pids.add(int(entry.name))
    return pids


class CpuMeter:
    """CPU seconds used by the gunicorn workers and the PostgreSQL backends of ``database``
    between :meth:`start` and :meth:`stop`: what a run costs, whatever else the machine runs."""

    def __init__(self, server: Server, database: str) -> None:
        self.server = server
        self.database = database
        self._before: dict[int, float] = {}
        self.app_seconds = 0.0
        self.database_seconds = 0.0
        #: CPU seconds of each worker, largest first: how evenly the work was spread.
        self.per_worker: list[float] = []

    def _snapshot(self) -> tuple[dict[int, float], set[int]]:
        workers = worker_pids(self.server)
        backends = _postgres_backends(self.database)
        return {pid: _cpu_of(pid) for pid in workers | backends}, workers

    def start(self) -> None:
        self._before, _workers = self._snapshot()

    def stop(self) -> None:
        after, workers = self._snapshot()
        for pid, seconds in after.items():
            used = seconds - self._before.get(pid, 0.0)
            if pid in workers:
                self.app_seconds += used
                self.per_worker.append(used)
            else:
                self.database_seconds += used
        self.per_worker.sort(reverse=True)


# ------------------------------------------------------------------------------ the meeting


@dataclass(frozen=True)
class Request:
    commitment_id: int
    slot: str
    kind: str
    capacity: str | None = None


@dataclass
class Official:
    """One client: a token and the requests it sends, in order."""

    label: str
    token: str
    requests: list[Request]
    start_at: float = 0.0


@dataclass
class Outcome:
    official: str
    request: Request
    status: int
    code: str | None
    act_id: int | None
    started: float
    ended: float
    error: str | None = None

    @property
    def seconds(self) -> float:
        return self.ended - self.started


def seed(app: Flask) -> dict[str, str]:
    """Accounts of the 45 officials, enrolled, each with an API token; {username: token}."""
    from signing import db
    from signing.api.tokens import create_token
    from signing.models import User

    prepare_officials(app, REGIONS)
    tokens: dict[str, str] = {}
    with app.app_context():
        session = db.session
        names = set(PROVINCIAL)
        for code in REGIONS:
            names |= {account(p, code) for p in ("{head}-{code}", "wakil-{head}-{code}")}
            names.add(f"ketua-dprd-{code}")
        for user in session.execute(sa.select(User).where(User.username.in_(names))).scalars():
            _row, plain = create_token(session, user, "e-office (uji beban)", actor="bench")
            tokens[user.username] = plain
        session.commit()
    return tokens


def new_event(app: Flask, label: str) -> dict[str, int]:
    """A fresh event with the 14 commitments generated (any-order routing); {code: id}."""
    from signing import db
    from signing.models import Commitment, Event

    ids = bench_event(app, REGIONS, f"Rakor PTSP Prima (uji beban {label})", f"HTTP-{label}")
    with app.app_context():
        commitment = db.session.get(Commitment, ids[0])
        event = db.session.get(Event, commitment.event_id)
        event.routing_policy = dict(ANY_ORDER)
        db.session.commit()
    return dict(zip(REGIONS, ids, strict=True))


def meeting(tokens: dict[str, str], ids: dict[str, int]) -> list[Official]:
    """The 54 clients of the meeting (see the module docstring)."""
    officials: list[Official] = []
    for code in REGIONS:
        head = account("{head}-{code}", code)
        deputy = account("wakil-{head}-{code}", code)
        chair = f"ketua-dprd-{code}"
        cid = ids[code]
        officials.append(Official(head, tokens[head], [Request(cid, "kepala_daerah", "sign")]))
        officials.append(
            Official(deputy, tokens[deputy], [Request(cid, "kepala_daerah", "paraf", "stand_in")])
        )
        officials.append(Official(chair, tokens[chair], [Request(cid, "ketua_dprd", "sign")]))
    for username, slot, kind in (
        ("gubernur", "gubernur", "sign"),
        ("wakil-gubernur", "saksi_wakil_gubernur", "witness"),
        ("ketua-dprd-provinsi", "saksi_ketua_dprd_provinsi", "witness"),
    ):
        officials.append(
            Official(username, tokens[username], [Request(ids[c], slot, kind) for c in REGIONS])
        )
    for code in REGIONS[:9]:
        chair = f"ketua-dprd-{code}"
        officials.append(
            Official(f"{chair} (lagi)", tokens[chair], [Request(ids[code], "ketua_dprd", "sign")])
        )
    return officials


def _send(connection: http.client.HTTPConnection, token: str, request: Request) -> tuple:  # type: ignore[type-arg]
    body: dict[str, Any] = {"kind": request.kind, "passphrase": PASSPHRASE}
    if request.capacity:
        body["capacity"] = request.capacity
    connection.request(
        "POST",
        f"/api/v1/commitments/{request.commitment_id}/slots/{request.slot}/acts",
        body=json.dumps(body),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "User-Agent": "signing-bench/1",
        },
    )
    response = connection.getresponse()
    payload = response.read()
    try:
        data = json.loads(payload)
    except ValueError:
        data = {}
    if response.status == 201:
        return response.status, None, data["act"]["id"]
    return response.status, (data.get("error") or {}).get("code"), None


def run_clients(
    server: Server, officials: list[Official], *, request_timeout: float = 120
) -> tuple[list[Outcome], float]:
    """Run every official in its own thread, starting together (then each waits for its own
    ``start_at``); returns the outcomes and the wall time from start to the last answer."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(officials) + 1)

    def work(official: Official) -> None:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=request_timeout)
        barrier.wait()
        if official.start_at:
            time.sleep(official.start_at)
        try:
            for request in official.requests:
                started = time.perf_counter()
                try:
                    status, code, act_id = _send(connection, official.token, request)
                    error = None
                except (OSError, http.client.HTTPException) as exc:
                    status, code, act_id, error = 0, None, None, repr(exc)
                    connection.close()
                    connection = http.client.HTTPConnection(
                        server.host, server.port, timeout=request_timeout
                    )
                outcome = Outcome(
                    official.label,
                    request,
                    status,
                    code,
                    act_id,
                    started,
                    time.perf_counter(),
                    error,
                )
                with lock:
                    outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(o,), daemon=True) for o in officials]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(request_timeout * 20)
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("a client thread hangs")
    return outcomes, time.perf_counter() - started


# ------------------------------------------------------------------------------ checking


#: Refusals that are right in this scenario (a duplicate, a paraf after completion).
EXPECTED_REFUSALS = {"already_done", "complete"}


@dataclass
class Check:
    """The state after a run, compared with the answers."""

    answered_201: int = 0
    acts_in_db: int = 0
    lost: int = 0
    phantom: int = 0
    lost_in_pdf: int = 0
    double_fields: int = 0
    pdfs_valid: int = 0
    pdfs: int = 0
    signature_mismatch: int = 0
    audit_problems: int = 0
    completed: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "problems"} | {
            "problems": self.problems[:20]
        }


def check_nothing_lost(
    app: Flask, outcomes: list[Outcome], commitment_ids: list[int], *, verify: bool = True
) -> Check:
    """Compare the 201 answers with the acts in the database and the signatures in the PDFs."""
    from signing import audit, db
    from signing.commitments.storage import current_pdf
    from signing.models import Act, ActKind, Commitment
    from signing.pades.verify import signed_field_names, verify_pdf
    from signing.pki import service

    result = Check()
    answered = {o.act_id for o in outcomes if o.status == 201}
    result.answered_201 = len(answered)
    with app.app_context():
        session = db.session
        acts = (
            session.execute(sa.select(Act).where(Act.commitment_id.in_(commitment_ids)))
            .scalars()
            .all()
        )
        party = {a.id: a for a in acts if a.kind != ActKind.SEAL}
        result.acts_in_db = len(party)
        result.lost = len(answered - set(party))
        result.phantom = len(set(party) - answered)
        if result.lost:
            result.problems.append(f"201 without an act row: {sorted(answered - set(party))}")
        if result.phantom:
            result.problems.append(f"act rows never answered 201: {sorted(set(party) - answered)}")
        fields = Counter((a.commitment_id, a.field_name) for a in acts if a.field_name)
        result.double_fields = sum(1 for n in fields.values() if n > 1)
        trust = service.trust_roots()
        crls = service.current_crls(session)
        for commitment_id in commitment_ids:
            commitment = session.get(Commitment, commitment_id)
            pdf = current_pdf(session, commitment)
            signed = signed_field_names(pdf)
            mine = [a for a in acts if a.commitment_id == commitment_id and a.field_name]
            expected = {a.field_name for a in mine}
            # Document time stamps (one after every act) are not acts: signed_field_names
            # leaves them out.
            if commitment.completed_at is not None:
                result.completed += 1
            for act in mine:
                if act.id in answered and act.field_name not in signed:
                    result.lost_in_pdf += 1
                    result.problems.append(f"act {act.id} ({act.field_name}) not in the PDF")
            if signed != expected:
                result.signature_mismatch += 1
                result.problems.append(
                    f"commitment {commitment_id}: PDF fields {sorted(signed)} != {sorted(expected)}"
                )
            if verify:
                result.pdfs += 1
                report = verify_pdf(pdf, trust_roots=trust, crls=crls)
                count = len([s for s in report.signatures if not s.is_document_timestamp])
                if report.valid and count == len(expected):
                    result.pdfs_valid += 1
                else:
                    result.problems.append(
                        f"commitment {commitment_id}: valid={report.valid} "
                        f"signatures={count}/{len(expected)} {report.problems[:2]}"
                    )
        result.audit_problems = len(audit.verify_chain(session))
    return result


# ------------------------------------------------------------------------------ figures


def summarise(outcomes: list[Outcome], wall: float) -> dict[str, Any]:
    latencies = sorted(o.seconds for o in outcomes)
    created = [o for o in outcomes if o.status == 201]
    refused = Counter(o.code for o in outcomes if o.status == 409)
    errors = [
        o
        for o in outcomes
        if o.status == 0
        or o.status >= 500
        or (o.status not in (201, 409))
        or (o.status == 409 and o.code not in EXPECTED_REFUSALS)
    ]

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        index = min(len(latencies) - 1, max(0, round(p * len(latencies) + 0.5) - 1))
        return round(1000 * latencies[index], 1)

    return {
        "requests": len(outcomes),
        "acts": len(created),
        "wall_s": round(wall, 2),
        "acts_per_s": round(len(created) / wall, 2) if wall else None,
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p95_ms": pct(0.95),
        "max_ms": round(1000 * latencies[-1], 1) if latencies else None,
        "refused": dict(refused),
        "errors": len(errors),
        "server_errors": sum(1 for o in outcomes if o.status >= 500),
        "error_samples": [
            f"{o.official} {o.request.slot}/{o.request.kind}: {o.status} {o.code or o.error}"
            for o in errors[:5]
        ],
    }


def scenario(
    app: Flask,
    folder: Path,
    tokens: dict[str, str],
    *,
    workers: int,
    pattern: str,
    window: float = 30.0,
    ratelimit: str = "memory://",
    verify: bool = True,
    seed_value: int = 54,
    extra_args: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One run: a fresh event, gunicorn with ``workers``, the 54 clients, the checks."""
    label = f"{workers}w-{pattern}-{seed_value}{''.join(extra_args).replace('-', '')}"
    ids = new_event(app, label)
    officials = meeting(tokens, ids)
    if pattern == "paced":
        rng = random.Random(seed_value)
        for official in officials:
            official.start_at = rng.uniform(0, window)
    if ratelimit.startswith("redis://"):
        flush_redis(ratelimit)
    database = app.extensions["signing.engine"].url.database
    with gunicorn(
        app, folder, workers=workers, ratelimit=ratelimit, extra_args=extra_args
    ) as server:
        meter = CpuMeter(server, database)
        meter.start()
        outcomes, wall = run_clients(server, officials)
        meter.stop()
    figures = summarise(outcomes, wall)
    acts = max(1, figures["acts"])
    figures["app_cpu_ms_per_act"] = round(1000 * meter.app_seconds / acts, 1)
    figures["db_cpu_ms_per_act"] = round(1000 * meter.database_seconds / acts, 1)
    figures["worker_cpu_s"] = [round(seconds, 2) for seconds in meter.per_worker]
    # The best a burst could do if the acts had both cores to themselves.
    cores = os.cpu_count() or 1
    figures["cpu_bound_wall_s"] = round((meter.app_seconds + meter.database_seconds) / cores, 2)
    # The lowest p95 these CPU costs allow when everyone arrives at once. Every client's
    # first request starts at the same instant; at most (requests - ceil(0.95 requests)) answers
    # may be slower than the p95, and at most every 409 of the run was among those first
    # requests. The rest are acts that must all be finished by the p95 moment, on the machine's
    # cores, at the run's CPU cost per act (app and database) even if nothing else ran.
    slower_allowed = figures["requests"] - math.ceil(0.95 * figures["requests"])
    refusals = figures["requests"] - figures["acts"]
    first_acts = max(0, len(officials) - slower_allowed - refusals)
    cpu_per_act = (meter.app_seconds + meter.database_seconds) / acts
    figures["p95_floor_ms"] = round(1000 * first_acts * cpu_per_act / cores)
    # And the CPU cost per act that would let those acts finish within the p95 target.
    figures["cpu_per_act_for_1s_p95_ms"] = round(1000 * cores / first_acts) if first_acts else None
    check = check_nothing_lost(app, outcomes, list(ids.values()), verify=verify)
    figures.update(
        {
            "workers": workers,
            "pattern": pattern,
            "gunicorn_args": " ".join(extra_args),
            "window_s": window if pattern == "paced" else 0,
            "clients": len(officials),
            "lost": check.lost + check.lost_in_pdf,
            "check": check.as_dict(),
        }
    )
    return figures


#: The full benchmark: the repository's gunicorn.conf.py with 2 and 4 workers, burst and paced;
#: then the same bursts with one listening socket per worker (``--reuse-port``).
FULL = (
    ((), 2, "burst"),
    ((), 4, "burst"),
    ((), 2, "paced"),
    ((), 4, "paced"),
    (("--reuse-port",), 2, "burst"),
    (("--reuse-port",), 4, "burst"),
)
QUICK = (((), 2, "burst"),)


def run(
    *,
    folder: Path,
    scenarios: tuple[tuple[tuple[str, ...], int, str], ...] = FULL,
    window: float = 30.0,
    kdf: dict[str, Any] | None = None,
    verify: bool = True,
) -> dict[str, Any]:
    """Every scenario ``(extra gunicorn arguments, workers, pattern)`` on one PostgreSQL
    database of its own.

    The extra arguments go on top of the repository's ``gunicorn.conf.py`` (``()``: the
    configuration as committed). ``kdf`` None enrols the officials with the production KDF
    (what a real unlock costs); a dict (``KDF_PARAMS``) makes the unlock cheap, to see the rest
    of the act alone.
    """
    from bench.workspace import dispose, make_app, postgres_database, postgres_reachable

    if not postgres_reachable():
        return {"skipped": "PostgreSQL is not reachable on 127.0.0.1:5432"}
    ratelimit = REDIS_URL if redis_reachable() else "memory://"
    overrides = {"KDF_PARAMS": kdf} if kdf else {}
    results = []
    with postgres_database("signing_bench_http") as url:
        app = make_app(folder, url, **overrides)
        try:
            started = time.perf_counter()
            tokens = seed(app)
            seeding = time.perf_counter() - started
            for extra_args, workers, pattern in scenarios:
                results.append(
                    scenario(
                        app,
                        folder,
                        tokens,
                        workers=workers,
                        pattern=pattern,
                        window=window,
                        ratelimit=ratelimit,
                        verify=verify,
                        extra_args=extra_args,
                    )
                )
        finally:
            dispose(app)
    return {
        "database": "postgresql",
        "ratelimit_storage": ratelimit.rsplit("/", 1)[0] if "redis" in ratelimit else ratelimit,
        "kdf": "production" if not kdf else f"minimal {kdf}",
        "seeding_s": round(seeding, 1),
        "cpus": os.cpu_count(),
        "runs": results,
    }


if __name__ == "__main__":  # python -m bench.bench_http
    from bench.workspace import temp_folder

    with temp_folder() as tmp:
        print(json.dumps(run(folder=tmp, scenarios=QUICK), indent=1))
