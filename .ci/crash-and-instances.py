#!/usr/bin/env python3
"""Crash and multi-instance tests of the govmedia binary (issue #16, item 11).

1. Crash (SQLite and PostgreSQL): several clients register accounts through
   the API while the server is killed with SIGKILL mid-write; after a
   restart every acknowledged account (and its filing) is there and
   `govmedia audit verify` passes.
2. Two instances on one PostgreSQL database: a session opened on one is
   valid on the other and ends on both; failed logins on either count
   toward one lockout; the reminder job runs once per period, not twice.

Usage: crash-and-instances.py BINARY PG_ADMIN_URL
Standard library only. Exit 0 when every check holds.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

BIN = os.path.abspath(sys.argv[1])
PG_ADMIN = sys.argv[2]  # e.g. postgres://postgres@127.0.0.1:5432/postgres
PASSWORD = "Demo-Pass-2026"
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def call(base, method, path, body=None, token=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            try:
                return r.status, (json.loads(raw) if raw else None)
            except ValueError:
                return r.status, None
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, None


def login(base, user, password=PASSWORD):
    status, body = call(base, "POST", "/api/v1/auth/login", {"username": user, "password": password})
    return status, (body or {}).get("token")


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, url, workdir, demo):
        self.url, self.workdir, self.demo = url, workdir, demo
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self):
        args = [BIN, "--database-url", self.url, "serve", "--addr", f"127.0.0.1:{self.port}"]
        if self.demo:
            args.append("--demo")
        env = dict(os.environ, GOVMEDIA_DEMO_PASSWORD=PASSWORD)
        log = open(os.path.join(self.workdir, f"server-{self.port}.log"), "ab")
        self.proc = subprocess.Popen(args, cwd=self.workdir, env=env, stdout=log, stderr=log)
        for _ in range(120):
            try:
                if call(self.base, "GET", "/healthz", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.5)
        raise SystemExit(f"server on {self.url} did not start; see {self.workdir}")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def fresh_pg(name):
    base = PG_ADMIN.rsplit("/", 1)[0]
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", PG_ADMIN, "-q", "-c", sql], check=True)
    return f"{base}/{name}"


def psql(url, sql):
    out = subprocess.run(["psql", url, "-At", "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def crash_test(label, url, workdir):
    print(f"--- crash test on {label}", flush=True)
    srv = Server(url, workdir, demo=True).start()
    status, token = login(srv.base, "nc_editor")
    check(status == 200 and token, f"{label}: login")
    orgs = call(srv.base, "GET", "/api/v1/orgs", token=token)[1]["items"]
    nc = next(o["id"] for o in orgs if o["name"] == "南昌市人力资源和社会保障局")
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def client(n):
        i = 0
        while not stop.is_set():
            i += 1
            name = f"南昌人社压测{n}-{i}"
            body = {"platform": "weibo", "name": name, "host_org_id": nc, "responsible_person": "王磊",
                    "handle": f"crash-{n}-{i}", "reason": "崩溃测试"}
            try:
                status, resp = call(srv.base, "POST", "/api/v1/accounts", body, token, timeout=5)
            except OSError:
                return  # the server is gone
            if status == 201:
                with lock:
                    acked.append((resp["id"], name, resp["filing_id"]))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(2.5)
    srv.kill()  # mid-write: the clients are sending as fast as they can
    stop.set()
    for t in threads:
        t.join()
    check(len(acked) > 10, f"{label}: {len(acked)} registrations acknowledged before the kill")
    srv = Server(url, workdir, demo=False).start()
    _, token = login(srv.base, "nc_editor")
    missing = []
    for aid, name, fid in acked:
        s1, a = call(srv.base, "GET", f"/api/v1/accounts/{aid}", token=token)
        s2, f = call(srv.base, "GET", f"/api/v1/filings/{fid}", token=token)
        if s1 != 200 or a.get("name") != name or s2 != 200 or f["workflow"]["account_id"] != aid:
            missing.append(aid)
    check(not missing, f"{label}: every acknowledged account and filing survived ({missing[:5]})")
    srv.stop()
    verify = subprocess.run([BIN, "--database-url", url, "audit", "verify"], cwd=workdir,
                            capture_output=True, text=True)
    check(verify.returncode == 0, f"{label}: audit chain verifies after the crash: {verify.stdout.strip()[-200:]}")


def two_instances(workdir):
    print("--- two instances on one PostgreSQL", flush=True)
    url = fresh_pg("govmedia_two_instances")
    a = Server(url, workdir, demo=True).start()
    b = Server(url, workdir, demo=False).start()
    # Sessions: opened on A, valid on B, ended on B, gone on A.
    _, token = login(a.base, "nc_editor")
    check(call(b.base, "GET", "/api/v1/me", token=token)[0] == 200, "a session from A is valid on B")
    call(b.base, "POST", "/api/v1/auth/logout", {}, token)
    check(call(a.base, "GET", "/api/v1/me", token=token)[0] == 401, "logging out on B ends it on A")
    # Lockout: five failures spread over both instances lock the user.
    for i in range(5):
        srv = a if i % 2 == 0 else b
        login(srv.base, "jj_editor", "wrong-password")
    status, _ = login(a.base, "jj_editor")
    check(status == 401, f"five failures over two instances lock the user (right password: {status})")
    status, _ = login(b.base, "jj_editor")
    check(status == 401, "the lock holds on the other instance too")
    # Jobs: make the reminder job due on both instances at once; within one
    # scheduler period (60 s) each instance ticks, and exactly one runs it.
    runs = lambda: int(psql(url, "SELECT runs FROM job_runs WHERE name = 'deadline_reminders'"))
    before = runs()
    psql(url, "UPDATE job_runs SET next_due_at = 0, claimed_until = NULL WHERE name = 'deadline_reminders'")
    time.sleep(65)
    after = runs()
    check(after == before + 1, f"the due reminder job ran once across two instances ({before} -> {after})")
    dup = psql(url, "SELECT COUNT(*) FROM (SELECT user_id, workflow_id, kind FROM notifications "
                    "GROUP BY user_id, workflow_id, kind HAVING COUNT(*) > 1) d")
    check(dup == "0", f"no reminder twice ({dup} duplicates)")
    a.stop()
    b.stop()


def main():
    with tempfile.TemporaryDirectory() as work:
        crash_test("SQLite", f"sqlite://{work}/crash.db", work)
        crash_test("PostgreSQL", fresh_pg("govmedia_crash"), work)
        two_instances(work)
        if failures:
            for name in os.listdir(work):
                if name.endswith(".log"):
                    print(f"--- {name} (tail)")
                    with open(os.path.join(work, name), "rb") as f:
                        print(f.read()[-2000:].decode(errors="replace"))
    if failures:
        print(f"{len(failures)} check(s) failed", flush=True)
        sys.exit(1)
    print("crash and multi-instance checks hold", flush=True)


if __name__ == "__main__":
    main()
