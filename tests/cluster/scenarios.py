#!/usr/bin/env python3
"""The scenarios of `make cluster-test` (tests/cluster-test.sh starts the
stack and runs this against it): three keepd behind HAProxy, one world.

Every player connects through HAProxy's published telnet port; which keepd
holds a session is read from the game (`users`, whose process column shows
each keepd container's host name, keepd1..3).  The database is read with
psql inside the db container.  Figures are printed as "FIGURE: ..." lines
and every check as "PASS: ..." or "FAIL: ..."; the exit status is 1 if a
check failed.

Environment (set by cluster-test.sh):
  KEEP_CL_PORT        HAProxy's telnet port on 127.0.0.1
  KEEP_CL_STATS_PORT  HAProxy's stats port on 127.0.0.1
  KEEP_CL_PROM_PORT   Prometheus's port on 127.0.0.1
  KEEP_CL_PROJECT     the compose project
"""
import json
import os
import random
import re
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

PORT = int(os.environ["KEEP_CL_PORT"])
STATS_PORT = int(os.environ["KEEP_CL_STATS_PORT"])
PROM_PORT = int(os.environ["KEEP_CL_PROM_PORT"])
PROJECT = os.environ["KEEP_CL_PROJECT"]
KEEPDS = ["keepd1", "keepd2", "keepd3"]
# The configured periods of tick.c's tasks (milliseconds).
TICK_PERIODS = {"combat": 2000, "messages": 1000}

failures = []


def now():
    """Monotonic seconds."""
    return time.monotonic()


def say(msg):
    print("cluster-test: " + msg, flush=True)


def check(ok, what):
    """Record one check; print PASS or FAIL."""
    print(("PASS: " if ok else "FAIL: ") + what, flush=True)
    if not ok:
        failures.append(what)
    return ok


def figure(msg):
    print("FIGURE: " + msg, flush=True)


_containers = {}


def container(service):
    """The container of a compose service (v1 names it PROJECT_SERVICE_1,
    v2 PROJECT-SERVICE-1: ask by the labels both set)."""
    if service not in _containers:
        rc, out = docker("ps", "-a", "-q", "--filter",
                         "label=com.docker.compose.project=" + PROJECT,
                         "--filter",
                         "label=com.docker.compose.service=" + service)
        ids = out.split()
        _containers[service] = ids[0] if rc == 0 and len(ids) == 1 else \
            "%s_%s_1" % (PROJECT, service)
    return _containers[service]


def docker(*args, timeout=60):
    """Run docker with args; return (rc, stdout)."""
    p = subprocess.run(["docker"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout, text=True)
    return p.returncode, p.stdout


def psql(sql):
    """One query in the db container; the rows as lists of fields."""
    rc, out = docker("exec", container("db"), "psql", "-U", "keep", "-d",
                     "keep", "-AtF", "\t", "-c", sql)
    if rc != 0:
        raise RuntimeError("psql failed: " + out)
    return [line.split("\t") for line in out.splitlines() if line != ""]


def rand_name(prefix):
    return prefix + "".join(random.choice(string.ascii_lowercase)
                            for _ in range(8))


# --- a telnet client ---------------------------------------------------------

IAC = 255


def telnet_text(data):
    """The text of a telnet stream: IAC GA / IAC EOR become "<GA>", other
    commands and subnegotiations are dropped, CR removed."""
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b != IAC:
            if b != 13:
                out.append(b)
            i += 1
            continue
        if i + 1 >= n:
            break
        c = data[i + 1]
        if c in (249, 239):
            out += b"<GA>"
            i += 2
        elif c == IAC:
            out.append(IAC)
            i += 2
        elif c == 250:      # SB ... IAC SE
            j = data.find(b"\xff\xf0", i + 2)
            i = n if j < 0 else j + 2
        elif 251 <= c <= 254:
            i += 3
        else:
            i += 2
    return out.decode("utf-8", "replace")


class Closed(Exception):
    pass


class Telnet:
    """A blocking telnet client that reads into a buffer; expect() consumes
    text up to what it waited for."""

    def __init__(self, port=PORT, connect_timeout=3.0):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=connect_timeout)
        self.raw = bytearray()
        self.pos = 0            # consumed characters of the text
        self.closed = False

    def _fill(self, deadline):
        if self.closed:
            return False
        left = deadline - now()
        if left <= 0:
            return False
        self.sock.settimeout(min(left, 0.5))
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return True
        except OSError:
            self.closed = True
            return False
        if not data:
            self.closed = True
            return False
        self.raw += data
        return True

    def text(self):
        return telnet_text(bytes(self.raw))

    def expect(self, pattern, timeout=10.0):
        """Wait for a regular expression in the unconsumed text; return the
        match.  Raises Closed if the connection ends first, TimeoutError
        when the time is up."""
        deadline = now() + timeout
        rx = re.compile(pattern)
        while True:
            t = self.text()
            m = rx.search(t, self.pos)
            if m:
                self.pos = m.end()
                return m
            if self.closed:
                raise Closed("closed while waiting for %r; got %r" %
                             (pattern, t[self.pos:][-300:]))
            if not self._fill(deadline) and not self.closed:
                raise TimeoutError("no %r within %.1fs; got %r" %
                                   (pattern, timeout, t[self.pos:][-300:]))

    def unread(self):
        return self.text()[self.pos:]

    def wait_closed(self, timeout=10.0):
        deadline = now() + timeout
        while not self.closed and now() < deadline:
            self._fill(deadline)
        return self.closed

    def send(self, line):
        try:
            self.sock.sendall(line.encode() + b"\r\n")
        except OSError:
            self.closed = True
            raise Closed("send failed")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        self.closed = True


PROMPT = r"> <GA>"


def login(name, password, create=False, timeout=15.0, port=PORT):
    """Connect through HAProxy and log name in (creating it if asked);
    return the client at its first game prompt."""
    t = Telnet(port)
    try:
        t.expect(r"Name: <GA>", timeout)
        t.send(name)
        if create:
            t.expect(r"Create a new character named", timeout)
            t.send("yes")
            t.expect(r"Choose a password: ", timeout)
            t.send(password)
            t.expect(r"Repeat the password: ", timeout)
            t.send(password)
        else:
            t.expect(r"Password: ", timeout)
            t.send(password)
        t.expect(r"Welcome(?: back)?, %s\." % name, timeout)
        t.expect(PROMPT, timeout)
    except BaseException:
        t.close()
        raise
    return t


def command(t, line, want, timeout=10.0):
    """Send a command and wait for its expected reply and the prompt."""
    t.send(line)
    m = t.expect(want, timeout)
    t.expect(PROMPT, timeout)
    return m


# --- the stack ---------------------------------------------------------------

def haproxy_servers():
    """HAProxy's view of the keepd: {name: (status, check_status)}."""
    url = "http://127.0.0.1:%d/stats;csv" % STATS_PORT
    with urllib.request.urlopen(url, timeout=3) as r:
        rows = r.read().decode().splitlines()
    head = rows[0].lstrip("# ").split(",")
    out = {}
    for row in rows[1:]:
        f = dict(zip(head, row.split(",")))
        if f.get("pxname") == "keepd" and f.get("svname") in KEEPDS:
            out[f["svname"]] = (f.get("status", ""), f.get("check_status", ""))
    return out


def wait_servers(want_up, timeout=90.0):
    """Wait until HAProxy has exactly the keepd of want_up UP."""
    deadline = now() + timeout
    last = None
    while now() < deadline:
        try:
            last = haproxy_servers()
            up = {k for k, v in last.items() if v[0] == "UP"}
            if up == set(want_up):
                return True
        except OSError:
            pass
        time.sleep(0.2)
    say("HAProxy's servers: %r" % (last,))
    return False


class Admin:
    """An admin character logged in through HAProxy, to run `users`."""

    def __init__(self):
        self.name = rand_name("Ad")
        self.pw = "Pw-" + rand_name("x")
        t = login(self.name, self.pw, create=True)
        t.send("quit")
        t.expect(r"Goodbye")
        t.close()
        rc, out = docker("exec", container("keepd1"), "keepd", "role",
                         self.name, "admin")
        if rc != 0:
            raise RuntimeError("keepd role failed: " + out)
        self.t = login(self.name, self.pw)

    def where(self):
        """{character name: keepd host} of every session in the cluster."""
        m = command(self.t, "users", r"(?s)Name +Role.*?\n(.*?)(\d+) online on",
                    15)
        out = {}
        for line in m.group(1).splitlines():
            w = line.split()
            h = re.search(r"\((\w+)\)\s*$", line)
            if w and h:
                out[w[0]] = h.group(1)
        return out

    def addresses(self):
        """{character name: address} of every session, from `users`."""
        m = command(self.t, "users", r"(?s)Name +Role.*?\n(.*?)(\d+) online on",
                    15)
        out = {}
        for line in m.group(1).splitlines():
            w = line.split()
            if len(w) >= 3 and re.search(r"\(\w+\)\s*$", line):
                out[w[0]] = w[2]
        return out

    def relogin(self):
        try:
            self.t.close()
        except Exception:
            pass
        self.t = login(self.name, self.pw, timeout=20)


# --- 0. players' own addresses through HAProxy (the PROXY protocol) ---------

def scenario_addresses(admin, players):
    say("0. `users` shows each player's own address, not HAProxy's")
    rc, out = docker("inspect", "-f", "{{range .NetworkSettings.Networks}}"
                     "{{.IPAddress}} {{end}}", container("haproxy"))
    proxy_ips = set(out.split()) if rc == 0 else set()
    check(rc == 0 and proxy_ips, "HAProxy's container address(es): %s" %
          " ".join(sorted(proxy_ips)) if proxy_ips else out.strip())
    addrs = admin.addresses()
    names = [admin.name] + [p["name"] for p in players]
    seen = set(addrs.get(n) for n in names)
    check(len(seen) == 1 and None not in seen and not seen & proxy_ips,
          "`users` shows all %d players (%s) from %s, not from HAProxy "
          "(%s)" % (len(names), ", ".join(names[:3]) + ", ...",
                    " ".join(sorted(str(a) for a in seen)),
                    " ".join(sorted(proxy_ips))))
    addr = addrs.get(admin.name)
    # HAProxy's tcplog line of each connection starts with the client's
    # address: the one `users` must show.
    rc, log = docker("logs", container("haproxy"))
    clients = set(re.findall(r"^(\S+):\d+ \[", log, re.M))
    check(addr in clients,
          "HAProxy's log has %s as a client address (it saw: %s)" %
          (addr, " ".join(sorted(clients)[:5])))
    hits = []
    for k in KEEPDS:
        rc, log = docker("logs", container(k))
        hits += re.findall(r"connection from (\S+) \(via proxy (\S+)\)",
                           log)
    check(hits and all(h[0] == addr and h[1] in proxy_ips for h in hits),
          "keepd logged %d connections from %s via proxy %s" %
          (len(hits), addr, " ".join(sorted(set(h[1] for h in hits)))))


# --- 1. players on different keepd hear each other ---------------------------

def scenario_hear(admin, players):
    say("1. players on two different keepd hear each other")
    a, b = players[0], players[1]
    where = admin.where()
    for attempt in range(8):
        if where.get(b["name"]) != where.get(a["name"]):
            break
        b["t"].send("quit")
        b["t"].close()
        b["t"] = login(b["name"], b["pw"])
        where = admin.where()
    ha, hb = where.get(a["name"]), where.get(b["name"])
    check(ha in KEEPDS and hb in KEEPDS and ha != hb,
          "%s plays on %s and %s on %s (from `users`)" %
          (a["name"], ha, b["name"], hb))
    a["host"], b["host"] = ha, hb
    tok = rand_name("hello")
    t0 = now()
    command(a["t"], "say " + tok, r"You say, '%s'" % tok)
    try:
        b["t"].expect(r"%s says, '%s'" % (a["name"], tok), 10)
        ms = (now() - t0) * 1000
        check(True, "say on %s heard on %s" % (ha, hb))
        figure("say %s -> %s delivered in %.0f ms" % (ha, hb, ms))
    except (TimeoutError, Closed) as e:
        check(False, "say on %s heard on %s: %s" % (ha, hb, e))
    tok = rand_name("psst")
    t0 = now()
    command(b["t"], "tell %s %s" % (a["name"], tok),
            r"You tell %s, '%s'" % (a["name"], tok))
    try:
        a["t"].expect(r"%s tells you, '%s'" % (b["name"], tok), 10)
        check(True, "tell from %s heard on %s" % (hb, ha))
        figure("tell %s -> %s delivered in %.0f ms" %
               (hb, ha, (now() - t0) * 1000))
    except (TimeoutError, Closed) as e:
        check(False, "tell from %s heard on %s: %s" % (hb, ha, e))
    tok = rand_name("chan")
    command(a["t"], "chat " + tok, r"You chat, '%s'" % tok)
    try:
        b["t"].expect(r"%s chats, '%s'" % (a["name"], tok), 10)
        check(True, "chat from %s heard on %s" % (ha, hb))
    except (TimeoutError, Closed) as e:
        check(False, "chat from %s heard on %s: %s" % (ha, hb, e))


# --- 2. one session per character across the cluster -------------------------

def scenario_one_session(admin, p):
    say("2. one session per character across the cluster")
    crossed = False
    for attempt in range(6):
        old_host = admin.where().get(p["name"])
        new = login(p["name"], p["pw"])
        try:
            p["t"].expect(r"Someone logged in as you from elsewhere; this "
                          r"connection is closed\.", 10)
            kicked = p["t"].wait_closed(10)
        except (TimeoutError, Closed) as e:
            kicked = False
            say("old session: %s" % e)
        p["t"].close()
        p["t"] = new
        where = admin.where()
        new_host = where.get(p["name"])
        lines = [n for n in where if n == p["name"]]
        rows = psql("SELECT count(*) FROM characters WHERE name = '%s' AND "
                    "session_instance IS NOT NULL" % p["name"])
        if not check(kicked and len(lines) == 1 and rows[0][0] == "1",
                     "second login of %s (%s -> %s) took the session over: "
                     "the old connection was told and closed, one session "
                     "left" % (p["name"], old_host, new_host)):
            return
        if old_host != new_host:
            crossed = True
            break
    check(crossed, "a takeover across two keepd processes was seen")
    p["host"] = admin.where().get(p["name"])


# --- 3. the ticker runs once for the cluster ---------------------------------

def scenario_ticker():
    say("3. the ticker's rounds run once, not three times")
    inst = psql("SELECT count(*) FROM instances "
                "WHERE seen_at > now() - interval '1 minute'")[0][0]
    check(inst == "3", "three keepd instances registered and alive "
          "(%s)" % inst)

    def runs():
        """The runs of each task and the database's clock when read (the
        window is measured there: a slow docker exec does not widen it)."""
        rows = psql("SELECT name, runs, extract(epoch FROM "
                    "clock_timestamp()) FROM world_clock")
        return {r[0]: int(r[1]) for r in rows}, float(rows[0][2])
    r0, t0 = runs()
    time.sleep(12)
    r1, t1 = runs()
    secs = t1 - t0
    for task, period in sorted(TICK_PERIODS.items()):
        d = r1.get(task, 0) - r0.get(task, 0)
        most = secs * 1000 / period + 1
        figure("ticker %s: %d runs in %.1f s (period %.1f s: at most %.0f "
               "for one ticker, about %.0f if all three ran it)" %
               (task, d, secs, period / 1000, most, 3 * secs * 1000 / period))
        check(most / 2 <= d <= most,
              "ticker task %s ran %d times in %.1f s, once per period "
              "for the whole cluster" % (task, d, secs))


# --- 4. kill -9 of a keepd ---------------------------------------------------

def reconnect(p, t_kill, results):
    """A player whose keepd died: wait for the close, connect again through
    HAProxy until logged in; record the time from the kill."""
    try:
        p["t"].wait_closed(10)
        closed_ms = (now() - t_kill) * 1000
        p["t"].close()
        deadline = now() + 30
        while True:
            try:
                t = login(p["name"], p["pw"], timeout=5)
                break
            except (OSError, TimeoutError, Closed):
                if now() > deadline:
                    raise
                time.sleep(0.05)
        p["t"] = t
        results[p["name"]] = (closed_ms, (now() - t_kill) * 1000)
    except Exception as e:
        results[p["name"]] = e


def scenario_kill(admin, players):
    say("4. docker kill (SIGKILL) of one keepd")
    where = admin.where()
    victim = where.get(players[0]["name"])
    on_victim = [p for p in players if where.get(p["name"]) == victim]
    others = [p for p in players if where.get(p["name"]) != victim]
    if not check(victim in KEEPDS and others,
                 "players on %s (%s) and elsewhere (%s)" %
                 (victim, ", ".join(p["name"] for p in on_victim),
                  ", ".join(p["name"] for p in others))):
        return
    # What each player on the victim is told happened, just before the kill.
    peer = others[0]
    told = {}
    for i, p in enumerate(on_victim):
        amount = 3 + i
        command(p["t"], "give %d coins to %s" % (amount, peer["name"]),
                r"You give %d coins to %s\." % (amount, peer["name"]))
        peer["t"].expect(r"%s gives you %d coins\." % (p["name"], amount),
                         10)
        command(p["t"], "north", r"Market Street")
        told[p["name"]] = (int(psql(
            "SELECT coins FROM characters WHERE name = '%s'" %
            p["name"])[0][0]), amount)
    results = {}
    t_kill = now()
    threads = [threading.Thread(target=reconnect, args=(p, t_kill, results))
               for p in on_victim]
    rc, out = docker("kill", container(victim))
    check(rc == 0, "docker kill %s (SIGKILL)" % victim)
    for th in threads:
        th.start()
    for th in threads:
        th.join(40)
    worst = 0
    for p in on_victim:
        r = results.get(p["name"])
        if not check(isinstance(r, tuple), "%s reconnected through HAProxy "
                     "after the kill%s" % (p["name"], "" if
                                           isinstance(r, tuple) else
                                           ": %s" % r)):
            continue
        closed_ms, back_ms = r
        worst = max(worst, back_ms)
        figure("%s: connection closed %.0f ms after the kill, logged in "
               "again (Name:, password, prompt) %.0f ms after it" %
               (p["name"], closed_ms, back_ms))
        check(back_ms < 2000, "%s back in the world within 2 s of the kill "
              "(%.0f ms)" % (p["name"], back_ms))
        coins_before, amount = told[p["name"]]
        m = command(p["t"], "score", r"Coins: (\d+)")
        check(int(m.group(1)) == coins_before,
              "%s still has the %d coins it was told it had after giving "
              "%d away" % (p["name"], coins_before, amount))
        command(p["t"], "look", r"Market Street")
        check(True, "%s is still in Market Street, where it walked" %
              p["name"])
        command(p["t"], "south", r"The Village Square")
    figure("reconnect after SIGKILL: worst %.0f ms over %d players" %
           (worst, len(on_victim)))
    try:
        where = admin.where()
    except (Closed, TimeoutError, OSError):
        admin.relogin()
        where = admin.where()
    check(all(where.get(p["name"]) not in (None, victim) for p in on_victim),
          "the victim's players now play on the surviving keepd")
    # Bring it back for the rolling restart.
    rc, out = docker("start", container(victim))
    check(rc == 0, "docker start %s" % victim)
    check(wait_servers(KEEPDS), "HAProxy sees all three keepd UP again")


# --- 5. rolling restart under load -------------------------------------------

class Load:
    """Clients saying numbered lines and giving coins through HAProxy; every
    acknowledged command is remembered, reconnects are timed."""

    def __init__(self, players):
        self.players = players
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked_says = set()
        self.given = {p["name"]: 0 for p in players}      # acked coins out
        self.received = {p["name"]: 0 for p in players}
        self.reconnects = []
        self.restart_notices = 0
        self.errors = []
        self.threads = [threading.Thread(target=self.run, args=(i,))
                        for i in range(len(players))]

    def run(self, i):
        p = self.players[i]
        partner = self.players[(i + 1) % len(self.players)]["name"]
        seq = 0
        t = p["t"]
        while not self.stop.is_set():
            seq += 1
            try:
                if seq % 4 == 0:
                    m = command(t, "give 1 coins to %s" % partner,
                                r"You give 1 coins? to %s\.|There is no "
                                r"one called" % partner)
                    if m.group(0).startswith("You give"):
                        with self.lock:
                            self.given[p["name"]] += 1
                            self.received[partner] += 1
                else:
                    tok = "%s-%d" % (p["name"], seq)
                    command(t, "say " + tok, r"You say, '%s'" % tok)
                    with self.lock:
                        self.acked_says.add(tok)
                # Six players in one room stay under room_message_rate.
                time.sleep(0.4)
            except (Closed, TimeoutError, OSError) as e:
                if "restarting" in t.unread() or \
                   "shutting down" in t.unread():
                    with self.lock:
                        self.restart_notices += 1
                t0 = now()
                t.close()
                while not self.stop.is_set():
                    try:
                        t = login(p["name"], p["pw"], timeout=5)
                        break
                    except (OSError, TimeoutError, Closed):
                        time.sleep(0.05)
                with self.lock:
                    self.reconnects.append((now() - t0) * 1000)
                p["t"] = t
                if self.stop.is_set():
                    return
        p["t"] = t

    def start(self):
        for th in self.threads:
            th.start()

    def finish(self):
        self.stop.set()
        for th in self.threads:
            th.join(30)


class Probe:
    """Connects through HAProxy every 200 ms and wants `Name:`."""

    def __init__(self):
        self.stop = threading.Event()
        self.ok = 0
        self.failed = []
        self.worst_ms = 0
        self.th = threading.Thread(target=self.run)

    def run(self):
        while not self.stop.is_set():
            t0 = now()
            try:
                t = Telnet(connect_timeout=2)
                t.expect(r"Name: <GA>", 2)
                t.close()
                self.ok += 1
                self.worst_ms = max(self.worst_ms, (now() - t0) * 1000)
            except (OSError, TimeoutError, Closed) as e:
                self.failed.append("%.1f s: %s" % (time.time(), e))
            time.sleep(max(0, 0.2 - (now() - t0)))


def watch_server(k, seen, timeout=10.0):
    """Sample HAProxy's state of keepd k every 50 ms until it is DOWN;
    append (time, state) to seen at each change."""
    deadline = now() + timeout
    last = None
    while now() < deadline:
        try:
            st = haproxy_servers().get(k, ("?", ""))[0]
        except OSError:
            st = "?"
        if st != last:
            seen.append((now(), st))
            last = st
        if st.startswith("DOWN"):
            return
        time.sleep(0.05)


def scenario_rolling(admin, players):
    say("5. rolling restart of the three keepd (SIGTERM one at a time) "
        "under load")
    load = Load(players)
    probe = Probe()
    probe.th.start()
    load.start()
    time.sleep(3)
    restart_ms = {}
    for k in KEEPDS:
        # docker stop: SIGTERM, then wait for the exit (SIGKILL only after
        # 30 s); a stopped container is not restarted by its policy.
        t0 = now()
        seen = []
        watch = threading.Thread(target=watch_server, args=(k, seen))
        watch.start()
        rc, out = docker("stop", "-t", "30", container(k), timeout=60)
        drained = (now() - t0) * 1000
        check(rc == 0, "docker stop %s (SIGTERM)" % k)
        watch.join(10)
        check(seen and seen[-1][1].startswith("DOWN"),
              "HAProxy took %s out: %s" % (k, " -> ".join(
                  "%s at %.0f ms" % (st, (t - t0) * 1000) for t, st in seen)))
        rc, code = docker("inspect", "-f", "{{.State.ExitCode}}",
                          container(k))
        code = code.strip()
        check(code == "0", "%s drained and exited with status 0 after "
              "SIGTERM (status %s, %.0f ms)" % (k, code, drained))
        if drained > 3000:
            # A drain that ran into its bound: show what keepd said.
            rc, log = docker("logs", "--tail", "40", container(k))
            say("%s took %.0f ms to drain; its last log lines:\n%s" %
                (k, drained, log))
        rc, out = docker("start", container(k))
        check(rc == 0, "docker start %s" % k)
        ok = wait_servers(KEEPDS, 90)
        restart_ms[k] = ((now() - t0) * 1000, drained)
        check(ok, "%s back and UP in HAProxy" % k)
        figure("%s: drained in %.0f ms, UP again %.0f ms after SIGTERM" %
               (k, drained, restart_ms[k][0]))
        time.sleep(2)
    time.sleep(3)
    load.finish()
    probe.stop.set()
    probe.th.join(10)
    # Every acknowledged say is a committed row of messages.
    rows = psql("SELECT text FROM messages WHERE kind = 'say' AND "
                "created_at > now() - interval '1 hour'")
    said = set()
    rx = re.compile(r"'([A-Z][a-z]+-\d+)'")
    for r in rows:
        m = rx.search(r[0])
        if m:
            said.add(m.group(1))
    mine = {s for s in said if s.split("-")[0] in load.given}
    lost = load.acked_says - mine
    extra = mine - load.acked_says
    figure("rolling restart: %d says acknowledged, %d in the database, %d "
           "lost, %d committed but not acknowledged" %
           (len(load.acked_says), len(mine), len(lost), len(extra)))
    check(len(load.acked_says) > 50 and not lost,
          "no acknowledged say lost (%d acknowledged, %d lost%s)" %
          (len(load.acked_says), len(lost),
           ": " + ", ".join(sorted(lost)[:5]) if lost else ""))
    bad = []
    gives = 0
    for p in players:
        coins = int(psql("SELECT coins FROM characters WHERE name = '%s'" %
                         p["name"])[0][0])
        want = p["coins0"] - load.given[p["name"]] + load.received[p["name"]]
        gives += load.given[p["name"]]
        if coins != want:
            bad.append("%s has %d, acknowledged gives say %d" %
                       (p["name"], coins, want))
    figure("rolling restart: %d coin gives acknowledged; coins that differ "
           "from them: %d" % (gives, len(bad)))
    check(gives > 10 and not bad,
          "every acknowledged give is in the database, nothing more "
          "(%d gives%s)" % (gives, "; " + "; ".join(bad) if bad else ""))
    rc = sorted(load.reconnects)
    figure("rolling restart: %d reconnects, worst %.0f ms, median %.0f ms; "
           "%d sessions told the server was restarting" %
           (len(rc), rc[-1] if rc else 0, rc[len(rc) // 2] if rc else 0,
            load.restart_notices))
    check(len(rc) > 0, "players were moved by the restarts (%d "
          "reconnects)" % len(rc))
    check(load.restart_notices == len(rc),
          "every player moved read that the server was restarting (%d of "
          "%d)" % (load.restart_notices, len(rc)))
    figure("probe through HAProxy every 200 ms: %d answered Name:, %d "
           "failed, slowest %.0f ms" %
           (probe.ok, len(probe.failed), probe.worst_ms))
    check(probe.ok > 20 and not probe.failed,
          "the world was never unreachable: every probe got Name: (%d "
          "probes%s)" % (probe.ok, "; failures: " +
                         "; ".join(probe.failed[:5]) if probe.failed
                         else ""))


# --- 6. Prometheus ----------------------------------------------------------

def prom_query(query, done, timeout=30):
    """Ask Prometheus until done({instance: value}) or the time is up;
    return the last answer (None if none came)."""
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (
        PROM_PORT, urllib.parse.urlencode({"query": query}))
    deadline = now() + timeout
    got = None
    while now() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as r:
                body = json.load(r)
            got = {x["metric"].get("instance", "?"): x["value"][1]
                   for x in body["data"]["result"]}
            if done(got):
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(1)
    return got


def scenario_prometheus(players):
    say("6. Prometheus scrapes all three keepd")
    got = prom_query('up{job="keepd"}', lambda g: len(g) == 3 and
                     all(v == "1" for v in g.values()))
    check(got is not None and len(got) == 3 and
          all(v == "1" for v in got.values()),
          "Prometheus: up{job=\"keepd\"} is 1 for three targets (%r)" % got)
    # The players (and the admin) as each keepd's /metrics counts them.
    want = len(players) + 1
    got = prom_query('keep_sessions{job="keepd",state="playing"}',
                     lambda g: sum(float(v) for v in g.values()) == want)
    total = sum(float(v) for v in got.values()) if got else 0
    figure("keep_sessions{state=\"playing\"} by keepd, as Prometheus "
           "scraped it: %s" % (", ".join("%s %s" % kv for kv in
                                         sorted(got.items())) if got else
                               "none"))
    check(total == want and len([v for v in got.values()
                                 if float(v) > 0]) >= 2,
          "Prometheus counts the %d players of the cluster, on more than "
          "one keepd (sum %.0f)" % (want, total))


def main():
    random.seed()
    t_all = now()
    check(wait_servers(KEEPDS), "HAProxy sees keepd1, keepd2 and keepd3 UP")
    admin = Admin()
    players = []
    for i in range(6):
        name = rand_name("Cl")
        pw = "Pw-" + rand_name("x")
        t = login(name, pw, create=True)
        players.append({"name": name, "pw": pw, "t": t, "coins0": 100})
    check(True, "admin %s and players %s created through HAProxy" %
          (admin.name, ", ".join(p["name"] for p in players)))
    steps = [
        lambda: scenario_addresses(admin, players),
        lambda: scenario_hear(admin, players),
        lambda: scenario_one_session(admin, players[0]),
        scenario_ticker,
        lambda: scenario_kill(admin, players),
        lambda: scenario_rolling(admin, players),
        lambda: scenario_prometheus(players),
    ]
    for step in steps:
        try:
            step()
        except Exception as e:
            check(False, "scenario stopped: %s: %s" % (type(e).__name__, e))
        # The admin's keepd may have been killed or restarted.
        try:
            admin.where()
        except Exception:
            try:
                admin.relogin()
            except Exception as e:
                check(False, "admin could not log in again: %s" % e)
        for p in players:
            if p["t"].closed:
                try:
                    p["t"] = login(p["name"], p["pw"], timeout=20)
                except Exception as e:
                    check(False, "%s could not log in again: %s" %
                          (p["name"], e))
        for p in players:
            p["coins0"] = int(psql(
                "SELECT coins FROM characters WHERE name = '%s'" %
                p["name"])[0][0])
    say("scenarios took %.0f s" % (now() - t_all))
    if failures:
        say("%d check(s) failed:" % len(failures))
        for f in failures:
            print("  - " + f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
