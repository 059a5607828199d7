#!/usr/bin/env python3
"""report.py — make bench's report, from the raw results bench/run.sh
leaves in its output directory (docs/performance.md, "Reading the report").

    python3 bench/report.py DIR busy
    python3 bench/report.py DIR run SCENARIO MIX BOTS KB PG [BASE]
    python3 bench/report.py DIR tail
    python3 bench/report.py DIR stalls
    python3 bench/report.py DIR summary

busy: the machine's load before the run (DIR/busy.cpu).  run: the line of
one finished run: keep-bench's DIR/KB.json and DIR/KB.cpu, pgbench's
DIR/PG.pgbench and DIR/PG.cpu (PG "-": none), and pgbench's on the
frozen scripts of bench/baseline/, DIR/BASE.pgbench and DIR/BASE.cpu.
tail: the table, the cost per command and the targets of every run listed
in DIR/runs (one "SCENARIO MIX BOTS KB PG [BASE]" a line, as run was
given), then keepd's peak memory and the time taken (DIR/facts: "KEY
VALUE" lines).  tail exits 0 when every target passed, 1 when one missed
or was DISTURBED (other processes used more than OTHER_MAX per cent of a
core in one of its windows: no verdict).  Every target wants all the bots
asked for online at the end of the run (keep-bench's "online"): with
fewer it is a MISS, and the lines say how many were.  stalls: every run's
slowest commands (keep-bench's "slowest") beside what PostgreSQL and
keepd logged around them (DIR/postgres.log, DIR/keepd.log).  summary: the
median and the spread of every figure of the runs DIR/run-1, run-2, ...
(BENCH_REPEAT), and each target's verdict in every run; exits 1 when
most runs missed a target or were DISTURBED for it, else 0.

A .cpu file holds /proc samples, "start" and "end" lines of "UPTIME KEEPD
POSTGRES GENERATOR HOST" (CPU ticks; "-" for a process not followed) and
an "rss KB" line (keepd's resident memory at the end); without start and
end the window was not all inside the run.  Standard library only.
"""
import calendar
import json
import os
import re
import sys
import time

TABLE = ("%-10s %-6s %5s %8s %9s %6s %5s %6s %6s %6s %7s %7s %6s %6s %6s "
         "%5s %4s %4s %4s")
COST = "%-8s %14s %18s %16s %18s"
MIXES = ("look", "move", "say", "give", "mixed")
BENCH = os.path.dirname(os.path.abspath(__file__))
# Other processes' CPU (oth%, % of one core) above which a window's
# figures get no verdict.  Quiet runs of this bench on the 2-core machine
# show 0-7 (window.py's own psql polls, kernel threads); keepd,
# PostgreSQL and the generator share two cores and every figure is
# CPU-bound, so another 15% of a core (7.5% of the machine) moves
# throughput by about as much as the 10-point margins of the targets.
OTHER_MAX = 15
# Issue 12's targets.
RATIO_MIN = 90			# throughput: % of pgbench, same statements
BASE_MIN = 1.3			# look, say, mixed: x the baseline scripts
BASE_MIXES = ("look", "say", "mixed")
ONE_MAX = 1.25			# one bot's look latency: x pgbench's at -c 1
LAT_P99, LAT_P999 = 5, 20	# latency scenario, ms
CROWD_P99 = 20			# ms
SCALE_P99, SCALE_RSS = 20, 300	# ms, MB
IDLE_RSS, IDLE_CPU = 150, 2	# MB, % of one core
SCALING_CPU = 1.5		# us/cmd at 500 bots within 1.5 x 10 bots'
SCALING_THR = 90		# throughput at 500 bots >= 90% of 50 bots'
LOGIN_S = 10


def num(v, default=0.0):
    """A number from a raw value ("" or "-" or junk: default)."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def have(v):
    """Whether a raw value holds a number."""
    return v not in (None, "", "-")


def fmt(v, f):
    """v formatted with f, or "-" when there is none."""
    return f % num(v) if have(v) else "-"


def rnd(v):
    """A number rounded, or ? when there is none."""
    return "%.0f" % num(v) if have(v) else "?"


def awknum(v):
    """A sum printed as awk prints a number."""
    return "%d" % v if v == int(v) else "%.6g" % v


def ratio(a, b):
    """100 a / b as a whole per cent (0 without b)."""
    return "%.0f" % (100 * num(a) / num(b) if num(b) > 0 else 0)


class Dir:
    """The raw results in one directory."""

    def __init__(self, path):
        """Read DIR/facts."""
        self.path = path
        self.facts = {}
        for line in self.lines("facts"):
            k, _, v = line.partition(" ")
            self.facts[k] = v
        self.hz = num(self.facts.get("hz"), 100)

    def lines(self, name):
        """The lines of DIR/name ([] if it is missing)."""
        try:
            with open(os.path.join(self.path, name), encoding="utf-8") as f:
                return f.read().splitlines()
        except OSError:
            return []

    def kv(self, name, key):
        """A value of DIR/name.json by dotted key, as text ("" if none)."""
        try:
            with open(os.path.join(self.path, name + ".json")) as f:
                v = json.load(f)
            for k in key.split("."):
                v = v[k]
        except (OSError, ValueError, KeyError, TypeError):
            return ""
        return "" if isinstance(v, (dict, list)) else str(v)

    def pgbench(self, name, pattern):
        """The first match of pattern in DIR/name.pgbench ("" if none)."""
        for line in self.lines(name + ".pgbench"):
            m = re.match(pattern, line)
            if m:
                return m.group(1)
        return ""

    def tps(self, name):
        """pgbench's transactions per second."""
        return self.pgbench(name, r"tps = ([0-9.]*) ")

    def lat(self, name):
        """pgbench's average latency (ms)."""
        return self.pgbench(name, r"latency average = ([0-9.]*) ms")

    def scripts(self, name):
        """[(weight, script)] pgbench ran (one script: weight 1)."""
        out, text = [], "\n".join(self.lines(name + ".pgbench"))
        one = re.search(r"^transaction type: (\S+\.sql)$", text, re.M)
        if one:
            return [(1, one.group(1))]
        for m in re.finditer(r"^SQL script \d+: (\S+)\n - weight: (\d+)",
                             text, re.M):
            out.append((int(m.group(2)), m.group(1)))
        return out

    def pct(self, a, b, t0, t1):
        """Per cent of one core between two tick counts."""
        d = num(t1) - num(t0)
        return "%.1f" % ((num(b) - num(a)) / self.hz / d * 100
                         if d > 0 else 0)

    def samples(self, name):
        """DIR/name.cpu: {"start": [...], "end": [...], "rss": [KB]}."""
        return dict((l.split()[0], l.split()[1:])
                    for l in self.lines(name + ".cpu") if l.split())

    def cpu(self, name):
        """DIR/name.cpu as the per cents of one core of keepd, PostgreSQL
        and the generator, keepd's RSS (kB) and everything else's per cent
        ("-" what was not measured; None if there is no file)."""
        s = self.samples(name)
        if not s:
            return None
        rss = s.get("rss", ["-"])[0]
        if "start" not in s or "end" not in s:
            return {"k": "-", "p": "-", "g": "-", "rss": rss, "o": "-"}
        (t0, k0, p0, g0, h0), (t1, k1, p1, g1, h1) = s["start"], s["end"]
        out = {"rss": rss}
        for key, a, b in (("k", k0, k1), ("p", p0, p1), ("g", g0, g1)):
            out[key] = self.pct(a, b, t0, t1) if have(a) else "-"
        # Everything else: the machine's busy per cent minus the three.
        d = num(t1) - num(t0)
        ours = num(k1) - num(k0) + num(p1) - num(p0) + num(g1) - num(g0)
        o = num(self.pct(h0, h1, t0, t1)) - (ours / self.hz / d * 100
                                            if d > 0 else 0)
        out["o"] = "%.0f" % (0 if o < 0 else o)
        return out


def script_cost(script):
    """(statements, round trips) of one transaction of a pgbench script:
    the first branch of every \\if, BEGIN and COMMIT not counted as
    statements; a pipeline is one round trip."""
    n = rt = 0
    skip, pipe, start = [], False, False
    path = script
    if not os.path.isabs(path):
        path = os.path.join(os.path.dirname(BENCH), script)
    if not os.path.exists(path):
        path = os.path.join(BENCH, os.path.basename(script))
    with open(path) as f:
        for line in f.read().splitlines():
            if line.startswith("--") or not line.strip():
                continue
            if re.match(r"\\if", line):
                skip.append(False)
            elif re.match(r"\\el(if|se)", line):
                skip[-1] = True
            elif re.match(r"\\endif", line):
                skip.pop()
            elif re.match(r"\\startpipeline", line):
                pipe, rt = True, rt + 1
            elif re.match(r"\\endpipeline", line):
                pipe = False
            elif line.startswith("\\") or any(skip):
                continue
            else:
                if not start:
                    start, sql = True, ""
                sql += " " + line
                if re.search(r";[ \t]*$", line) or "\\gset" in line:
                    rt += 0 if pipe else 1
                    n += 0 if re.match(r" *(BEGIN|COMMIT)", sql) else 1
                    start = False
    return n, rt


def verdict(ok, other=None):
    """PASS or MISS; DISTURBED when other (the largest oth% of the windows
    the figure comes from) is above OTHER_MAX."""
    if other is not None and other > OTHER_MAX:
        return "DISTURBED"
    return "PASS" if ok else "MISS"


def val(v):
    """A raw value as a float, or None when there is none."""
    return num(v) if have(v) else None


def median(vs):
    """The median of the numbers among vs (None if there are none)."""
    vs = sorted(v for v in vs if v is not None)
    if not vs:
        return None
    m = len(vs) // 2
    return vs[m] if len(vs) % 2 else (vs[m - 1] + vs[m]) / 2


class Run:
    """One line of DIR/runs: a keep-bench run, its pgbench run and its
    pgbench run on the baseline scripts."""

    def __init__(self, d, scenario, mix, bots, kb, pg, base="-"):
        """The run's names (PG, BASE "-": none) and its CPU samples."""
        self.d, self.scenario, self.mix, self.bots = d, scenario, mix, bots
        self.kb, self.pg = kb, (None if pg == "-" else pg)
        self.base = None if base == "-" else base
        self.cpu = d.cpu(kb) or {}
        self.pgcpu = (d.cpu(self.pg) if self.pg else None) or {}
        self.basecpu = (d.cpu(self.base) if self.base else None) or {}

    def kv(self, key):
        """A value of keep-bench's report."""
        return self.d.kv(self.kb, key)

    def tps(self):
        """pgbench's tps ("" without pgbench)."""
        return self.d.tps(self.pg) if self.pg else ""

    def base_tps(self):
        """pgbench's tps on the baseline scripts ("" without)."""
        return self.d.tps(self.base) if self.base else ""

    def online(self):
        """keep-bench's bots online at the end of the run, as it counted
        them (None if it did not say)."""
        v = self.kv("online")
        return int(num(v)) if have(v) else None

    def full(self):
        """Whether every bot asked for was online at the end."""
        n = self.online()
        return n is not None and n >= num(self.bots)

    def measured(self):
        """The bots as measured: "200", or "588 of 2000" when fewer than
        asked were online ("?" when keep-bench did not say)."""
        n = self.online()
        return self.bots if self.full() else \
            "%s of %s" % ("?" if n is None else n, self.bots)

    def short(self):
        """A progress line's note when fewer bots than asked were online
        (empty when all were)."""
        return "" if self.full() else \
            "; only %s bots online (target: all)" % self.measured()

    def column(self):
        """The table's bots: those online at the end of the run ("?" after
        what was asked when keep-bench did not say)."""
        n = self.online()
        return "%s?" % self.bots if n is None else str(n)

    def other(self):
        """The largest oth% of this run's windows (None: none measured)."""
        vs = [val(c.get("o")) for c in (self.cpu, self.pgcpu, self.basecpu)]
        vs = [v for v in vs if v is not None]
        return max(vs) if vs else None

    def figures(self):
        """The table's figures as numbers (None: not measured)."""
        c = dict((k, val(self.cpu.get(k))) for k in ("k", "p", "g", "rss",
                                                     "o"))
        f = {"keepd%": c["k"], "pg%": c["p"], "gen%": c["g"], "oth%": c["o"],
             "rssMB": c["rss"] / 1024 if c["rss"] is not None else None}
        if self.scenario == "logins":
            secs, cnt = num(self.kv("login.seconds")), num(
                self.kv("login.count"))
            f.update({"keepd/s": cnt / secs if secs > 0 else None,
                      "p50ms": val(self.kv("login.p50_ms")),
                      "p90ms": val(self.kv("login.p90_ms")),
                      "p99ms": val(self.kv("login.p99_ms")),
                      "p99.9ms": val(self.kv("login.p999_ms")),
                      "maxms": val(self.kv("login.max_ms")),
                      "err+to": val(self.kv("login.failed"))})
        else:
            e, t = self.kv("total.errors"), self.kv("total.timeouts")
            f.update({"keepd/s": val(self.kv("throughput")),
                      "pgbench/s": val(self.tps()),
                      "base/s": val(self.base_tps()),
                      "err+to": (num(e) + num(t)) if have(e) or have(t)
                      else None})
            for k, j in (("p50ms", "p50_ms"), ("p90ms", "p90_ms"),
                         ("p99ms", "p99_ms"), ("p99.9ms", "p999_ms"),
                         ("maxms", "max_ms")):
                f[k] = val(self.kv("total." + j))
        cps, tps = f.get("keepd/s"), f.get("pgbench/s")
        f["ratio"] = 100 * cps / tps if cps is not None and tps else None
        f["us/cmd"] = (1e4 * f["keepd%"] / cps
                       if cps and f["keepd%"] is not None else None)
        return f

    def logins(self):
        """(line, [targets]) of a logins pass."""
        secs, cnt = self.kv("login.seconds"), self.kv("login.count")
        failed = self.kv("login.failed")
        ok = num(cnt) >= num(self.bots) and num(secs, 99999) < LOGIN_S
        what = ("%s new characters created" if self.mix == "new"
                else "the same %s logging in again") % self.bots
        line = ("logins %s: %s logins in %s s (login p50 %s ms, p99 %s ms, "
                "failed %s)" % (self.mix, cnt or "?", secs or "?",
                                self.kv("login.p50_ms"),
                                self.kv("login.p99_ms"), failed))
        target = ("%s  logins      %s (argon2id at production cost): %.1f s "
                  "(target < %d s), %s logged in, %s failed"
                  % (verdict(ok), what, num(secs), LOGIN_S, cnt or "?",
                     failed))
        return line, [target]

    def throughput(self):
        """(line, [targets]) of a throughput mix: against pgbench on the
        same statements, and against the baseline scripts."""
        cps, tps, btps = self.kv("throughput"), self.tps(), self.base_tps()
        r = ratio(cps, tps)
        pc, oth = self.pgcpu, self.other()
        line = ("throughput %s: keepd %s/s (p99 %s ms, errors %s, timeouts "
                "%s); pgbench %s tps (latency %s ms; CPU: PostgreSQL %s%%, "
                "pgbench %s%%, other %s%%); ratio %s%%"
                % (self.mix, rnd(cps), self.kv("total.p99_ms"),
                   self.kv("total.errors"), self.kv("total.timeouts"),
                   rnd(tps), self.d.lat(self.pg), pc.get("p") or "?",
                   pc.get("g") or "?", pc.get("o") or "?", r))
        if self.base:
            line += "; baseline scripts %s tps" % rnd(btps)
        out = ["%s  throughput  %s, %s bots closed loop: keepd %s cmds/s "
               "vs pgbench %s tps = %s%% (target >= %d%%)"
               % (verdict(num(r) >= RATIO_MIN and self.full(), oth),
                  self.mix, self.measured(), rnd(cps), rnd(tps), r,
                  RATIO_MIN)]
        if self.base:
            x = num(cps) / num(btps) if num(btps) > 0 else 0
            v = verdict(x >= BASE_MIN and self.full(), oth) \
                if self.mix in BASE_MIXES else "INFO"
            out.append("%s  baseline    %s, %s bots: keepd %s cmds/s vs the "
                       "baseline scripts' %s tps = %.2fx%s"
                       % (v, self.mix, self.measured(), rnd(cps), rnd(btps),
                          x, " (target >= %.1fx)" % BASE_MIN
                          if self.mix in BASE_MIXES else ""))
        return line, out

    def one(self):
        """(line, [target]) of one bot's look against pgbench at -c 1."""
        mean, lat = self.kv("total.mean_ms"), self.d.lat(self.pg) \
            if self.pg else ""
        x = num(mean) / num(lat) if num(lat) > 0 and have(mean) else 0
        ok = have(mean) and num(lat) > 0 and x <= ONE_MAX and self.full()
        line = ("one: keepd %s/s, mean %s ms, p99 %s ms; pgbench -c 1 %s tps,"
                " latency %s ms" % (rnd(self.kv("throughput")), mean or "?",
                                    self.kv("total.p99_ms"), rnd(self.tps()),
                                    lat or "?"))
        target = ("%s  one         1 bot closed loop (look): mean %s ms vs "
                  "pgbench's %s ms at one client = %.2fx (target <= %.2fx)"
                  % (verdict(ok, self.other()), mean or "?", lat or "?", x,
                     ONE_MAX))
        return line, [target]

    def scaling(self):
        """(line, this run's part of the INFO line)."""
        thr, p99 = self.kv("throughput"), self.kv("total.p99_ms")
        line = ("scaling %s bots: keepd %s/s, p50 %s ms, p99 %s ms, %s "
                "messages to bots unasked (whole run); pgbench with as many "
                "online %s tps" % (self.bots, rnd(thr),
                                   self.kv("total.p50_ms"), p99,
                                   self.kv("notifications"), rnd(self.tps())))
        us = self.figures()["us/cmd"]
        part = (" %s: %s/s (%s%% of pgbench) p99 %s ms, %s us/cmd;"
                % (self.measured(), rnd(thr), ratio(thr, self.tps()), p99,
                   "%.0f" % us if us is not None else "?"))
        return line, [part]

    def latency(self):
        """(line, [target]) of the open-loop latency run."""
        p50, p99 = self.kv("total.p50_ms"), self.kv("total.p99_ms")
        p999 = self.kv("total.p999_ms")
        ok = (num(p99, 999) < LAT_P99 and num(p999, 999) < LAT_P999 and
              self.full())
        line = ("latency: %s/s, p50 %s ms, p99 %s ms, p99.9 %s ms, errors "
                "%s, timeouts %s" % (rnd(self.kv("throughput")), p50, p99,
                                     p999, self.kv("total.errors"),
                                     self.kv("total.timeouts")))
        target = ("%s  latency     %s bots x 5 cmds/s open loop (mixed): p99 "
                  "%s ms (< %d), p99.9 %s ms (< %d); p50 %s ms"
                  % (verdict(ok, self.other()), self.measured(), p99 or "?",
                     LAT_P99, p999 or "?", LAT_P999, p50 or "?"))
        return line, [target]

    def crowd(self):
        """(line, [target]) of the crowded rooms."""
        p99 = self.kv("total.p99_ms")
        line = ("crowd: %s/s, p50 %s ms, p99 %s ms, errors %s, timeouts %s, "
                "%s messages to bots unasked (whole run)"
                % (rnd(self.kv("throughput")), self.kv("total.p50_ms"), p99,
                   self.kv("total.errors"), self.kv("total.timeouts"),
                   self.kv("notifications")))
        target = ("%s  crowd       %s bots in rooms 1000,1001 x 2 cmds/s open "
                  "loop (look/say/move): p99 %s ms (< %d)"
                  % (verdict(num(p99, 999) < CROWD_P99 and self.full(),
                             self.other()), self.measured(), p99 or "?",
                     CROWD_P99))
        return line, [target]

    def idle(self):
        """(line, [target]) of the idle players."""
        kc, rss = self.cpu.get("k", ""), self.cpu.get("rss", "")
        mb = "%.1f" % (num(rss) / 1024)
        n = self.online()
        on = "%s of %s" % ("?" if n is None else n, self.bots)
        ok = (self.full() and have(rss) and num(rss) / 1024 < IDLE_RSS and
              have(kc) and num(kc) < IDLE_CPU)
        per = (" (%.1f kB a connection)" % (num(rss) / n)
               if n and have(rss) else "")
        line = ("idle: %s connected, keepd RSS %s MB%s, CPU %s%% of one core"
                % (on, mb, per, kc))
        target = ("%s  idle        %s idle players connected (target: "
                  "all), keepd RSS %s MB (< %d), CPU %s%% of one core (< %d)"
                  % (verdict(ok), on, mb, IDLE_RSS, kc or "?", IDLE_CPU))
        return line, [target]

    def scale(self):
        """(line, [target]) of the many players, a tenth of them active."""
        p99, rss = self.kv("total.p99_ms"), self.cpu.get("rss", "")
        et = num(self.kv("total.errors")) + num(self.kv("total.timeouts"))
        mb = "%.1f" % (num(rss) / 1024)
        ok = (self.full() and num(p99, 999) < SCALE_P99 and et == 0 and
              have(self.kv("total.count")) and have(rss) and
              num(rss) / 1024 < SCALE_RSS)
        line = ("scale: %s online, %s active: %s/s, p50 %s ms, p99 %s ms, "
                "p99.9 %s ms, errors+timeouts %.0f, keepd RSS %s MB, %s "
                "messages to bots unasked (whole run)"
                % (self.kv("online") or "?", self.kv("active") or "?",
                   rnd(self.kv("throughput")), self.kv("total.p50_ms"), p99,
                   self.kv("total.p999_ms"), et, mb,
                   self.kv("notifications")))
        target = ("%s  scale       %s players connected, %s active x %s "
                  "cmds/s open loop (mixed), spread over the world: p99 %s ms "
                  "(< %d), %.0f errors+timeouts (0), keepd RSS %s MB (< %d)"
                  % (verdict(ok, self.other()), self.measured(),
                     self.kv("active") or "?", self.kv("rate") or "?",
                     p99 or "?", SCALE_P99, et, mb, SCALE_RSS))
        return line, [target]

    def report(self):
        """(line, [targets]) of this run (scaling: its part of the INFO
        line); the line says so when fewer bots than asked were online
        (idle: always)."""
        line, targets = getattr(self, self.scenario)()
        if self.scenario != "idle":
            line += self.short()
        return line, targets


def scaling_targets(group):
    """The scaling scenario's lines: INFO (or MISS when a run had fewer
    bots than asked) with every run, then the targets that compare 500
    bots with 10 (CPU per command) and with 50 (throughput)."""
    full = all(r.full() for r in group)
    parts = "".join(r.report()[1][0] for r in group)
    out = ["%s  scaling     mixed, closed loop, bots ->%s"
           % ("INFO" if full else "MISS", parts[:-1])]
    by = dict((r.bots, r) for r in group)
    if "500" in by and "10" in by:
        a, b = by["10"].figures()["us/cmd"], by["500"].figures()["us/cmd"]
        x = b / a if a and b is not None else 0
        oth = max(v for v in (by["10"].other(), by["500"].other(), -1)
                  if v is not None)
        out.append("%s  scaling     keepd CPU per command at 500 bots %s us "
                   "vs 10 bots %s us = %.2fx (target <= %.1fx)"
                   % (verdict(a is not None and b is not None and
                              x <= SCALING_CPU and full, oth),
                      "%.0f" % b if b is not None else "?",
                      "%.0f" % a if a is not None else "?", x, SCALING_CPU))
    if "500" in by and "50" in by:
        a = by["50"].figures()["keepd/s"]
        b = by["500"].figures()["keepd/s"]
        x = 100 * b / a if a and b is not None else 0
        oth = max(v for v in (by["50"].other(), by["500"].other(), -1)
                  if v is not None)
        out.append("%s  scaling     mixed throughput at 500 bots %s/s vs 50 "
                   "bots %s/s = %.0f%% (target >= %d%%)"
                   % (verdict(x >= SCALING_THR and full, oth), rnd(b),
                      rnd(a), x, SCALING_THR))
    return out


COLUMNS = (("keepd/s", "%.0f"), ("pgbench/s", "%.0f"), ("base/s", "%.0f"),
           ("ratio", "%.0f%%"), ("p50ms", "%.2f"), ("p90ms", "%.2f"),
           ("p99ms", "%.2f"), ("p99.9ms", "%.2f"), ("maxms", "%.1f"),
           ("err+to", "%.0f"), ("keepd%", "%.1f"), ("us/cmd", "%.0f"),
           ("rssMB", "%.1f"), ("pg%", "%.0f"), ("gen%", "%.0f"),
           ("oth%", "%.0f"))


def table(rows, form=None):
    """The results table, header first; rows are (scenario, mix, bots,
    figures), each figure printed with its column's format (or form)."""
    out = [TABLE % (("scenario", "mix", "bots") +
                    tuple(c for c, _ in COLUMNS))]
    for sc, mix, bots, f in rows:
        out.append(TABLE % ((sc, mix, bots) + tuple(
            (form or fm) % f[c] if f.get(c) is not None else "-"
            for c, fm in COLUMNS)))
    return out


def cost(d, runs):
    """The cost per command table's lines, one per throughput mix run."""
    out = []
    by_mix = dict((r.mix, r) for r in runs if r.scenario == "throughput")
    for m in MIXES:
        r = by_mix.get(m)
        if r is None or not r.kv("throughput"):
            continue
        ws = [(w, script_cost(s)) for w, s in d.scripts(r.pg)] \
            if r.pg else []
        total = sum(w for w, _ in ws)
        if len(ws) == 1:
            stmts, trips = ws[0][1]
        elif total:
            stmts = "%.2f" % (sum(w * c[0] for w, c in ws) / total)
            trips = "%.2f" % (sum(w * c[1] for w, c in ws) / total)
        else:
            stmts = trips = ""
        ks, kr = (r.kv("db.per_command_" + k)
                  for k in ("statements", "round_trips"))
        out.append(COST % (m, ks and "%.2f" % num(ks),
                           kr and "%.2f" % num(kr), stmts, trips))
    return out


def runs_of(d):
    """The runs listed in DIR/runs."""
    return [Run(d, *l.split()) for l in d.lines("runs") if l.split()]


def targets_of(runs):
    """Every target line of the runs, in order."""
    targets = []
    for i, r in enumerate(runs):
        if r.scenario != "scaling":
            targets += r.report()[1]
        elif i + 1 == len(runs) or runs[i + 1].scenario != "scaling":
            group = []
            for q in reversed(runs[:i + 1]):
                if q.scenario != "scaling":
                    break
                group.insert(0, q)
            targets += scaling_targets(group)
    return targets


def header(workers):
    """The lines above the table."""
    return ["",
            "Results (keepd/s and latencies from keep-bench; pgbench/s: the "
            "same statements at -c %s; base/s: pgbench on bench/baseline/,"
            % workers,
            " the statements before issue 12; ratio = keepd/s / pgbench/s; "
            "err+to: errors + timeouts;",
            " keepd%, pg%, gen%, oth%: CPU of keepd, PostgreSQL, keep-bench, "
            "everything else, % of one core;",
            " us/cmd: keepd's CPU microseconds per command; rssMB: keepd's "
            "resident memory at the end of the window;",
            " bots: keep-bench's bots online at the end of the run)"]


def tail(d):
    """The table, the cost, the targets, the peak memory; 1 on a MISS or
    a DISTURBED target."""
    runs = runs_of(d)
    for line in header(d.facts.get("workers", "?")):
        print(line)
    for line in table([(r.scenario, r.mix, r.column(), r.figures())
                       for r in runs]):
        print(line)
    print("")
    print("Cost per command (keepd: store counters via dbstats over the "
          "window; pgbench: statements per transaction of the script)")
    print(COST % ("kind", "keepd stmts", "keepd round trips",
                  "pgbench stmts", "pgbench rnd trips"))
    for line in cost(d, runs):
        print(line)
    targets = targets_of(runs)
    if targets:
        print("")
        print("Targets (DISTURBED: other processes used over %d%% of a core "
              "in the window; no verdict)" % OTHER_MAX)
        for t in targets:
            print(t)
    if d.lines("stalls.txt"):
        print("")
        print("Slowest commands and what PostgreSQL and keepd logged around "
              "them: %s/stalls.txt" % d.path)
    print("")
    print("keepd peak RSS (VmHWM) %.1f MB over the whole run; raw outputs in "
          "%s/; took %.0f s" % (num(d.facts.get("hwm_kb")) / 1024, d.path,
                                num(d.facts.get("ended")) -
                                num(d.facts.get("started"))))
    return failed(targets)


def failed(targets):
    """1 when a target missed or was disturbed, else 0."""
    return 1 if any(t.startswith(("MISS", "DISTURBED"))
                    for t in targets) else 0


LOG_PG = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \S+ \[\d+\] "
                    r"(?:LOG|WARNING|ERROR):  (.*)")
LOG_KEEPD = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z "
                       r"(\S+) +(.*)")
PG_EVENTS = ("checkpoint", "automatic vacuum", "automatic analyze",
             "duration:", "still waiting", "acquired", "deadlock")


def log_events(d):
    """[(epoch ms, source, text)] of the lines of postgres.log that may
    explain a stall (checkpoints, autovacuum, slow statements, lock
    waits) and of every keepd.log line."""
    out = []
    for name, rx, fmt, src in (
            ("postgres.log", LOG_PG, "%Y-%m-%d %H:%M:%S", "postgres"),
            ("keepd.log", LOG_KEEPD, "%Y-%m-%dT%H:%M:%S", "keepd")):
        for line in d.lines(name):
            m = rx.match(line)
            if not m:
                continue
            text = m.group(m.lastindex)
            if src == "postgres" and not any(e in text for e in PG_EVENTS):
                continue
            if src == "keepd":
                text = m.group(2) + " " + text
            stamp, ms = m.group(1)[:-4], m.group(1)[-3:]
            t = calendar.timegm(time.strptime(stamp, fmt)) * 1000 + int(ms)
            out.append((t, src, text[:160]))
    return sorted(out)


def clock(ms):
    """Epoch milliseconds as HH:MM:SS.mmm (UTC)."""
    return time.strftime("%H:%M:%S", time.gmtime(ms // 1000)) + \
        ".%03d" % (ms % 1000)


def episodes(slow):
    """The slowest commands grouped into episodes: runs of commands whose
    time in flight (sent to answered) overlaps, in time order."""
    out = []
    for s in sorted(slow, key=lambda s: s["sent_ms"]):
        t0 = int(s["sent_ms"])
        t1 = t0 + int(s["ms"])
        if out and t0 <= out[-1][1]:
            out[-1][1] = max(out[-1][1], t1)
            out[-1][2].append(s)
        else:
            out.append([t0, t1, [s]])
    return out


def stalls(d, before=1000, after=200):
    """Every run's slowest commands, grouped into episodes (commands in
    flight at the same time), each with the logged events from before ms
    before it began to after ms after it ended."""
    events = log_events(d)
    out = ["Slowest commands per run (keep-bench's 20 slowest, grouped into "
           "episodes of commands in flight at the same time; UTC) and, "
           "indented, what postgres.log (checkpoints, autovacuum, statements "
           "and lock waits over 50 ms), keepd.log (slow commands and "
           "ticker tasks over 50 ms, warnings) and keep-bench's own loop (late by over 5 ms) show "
           "from %d ms before to %d ms after" % (before, after)]
    for r in runs_of(d):
        try:
            with open(os.path.join(d.path, r.kb + ".json")) as f:
                o = json.load(f)
        except (OSError, ValueError):
            continue
        slow, lag = o.get("slowest") or [], o.get("stalls") or []
        if not slow:
            continue
        out.append("")
        out.append("%s %s, %s bots: p99 %s ms, p99.9 %s ms, max %s ms; "
                   "keep-bench's own loop late %d times (worst %s ms)"
                   % (r.scenario, r.mix, r.bots, r.kv("total.p99_ms"),
                      r.kv("total.p999_ms"), r.kv("total.max_ms"), len(lag),
                      "%.1f" % lag[0]["ms"] if lag else "0"))
        for t0, t1, group in episodes(slow):
            worst = max(group, key=lambda s: s["ms"])
            kinds = {}
            for s in group:
                kinds[s.get("kind", "?")] = kinds.get(s.get("kind", "?"),
                                                      0) + 1
            out.append("  %s-%s  %d of them, worst %.1f ms (%s %s); %s%s"
                       % (clock(t0), clock(t1)[3:], len(group), worst["ms"],
                          worst.get("kind", "?"), worst.get("bot", "?"),
                          ", ".join("%s %d" % kv for kv in
                                    sorted(kinds.items())),
                          "" if all(s.get("outcome", "ok") in
                                    ("ok", "refused") for s in group)
                          else " (timeouts or errors among them)"))
            for g in lag:
                if t0 - before <= g["sent_ms"] <= t1 + after:
                    out.append("      %s keep-bench loop late %.1f ms"
                               % (clock(int(g["sent_ms"])), g["ms"]))
            for t, src, text in events:
                if t0 - before <= t <= t1 + after:
                    out.append("      %s %-8s %s" % (clock(t), src, text))
    print("\n".join(out))


def summary(path):
    """The median and spread of every figure of DIR/run-N/, and each
    target's verdict per run; 1 when a median verdict missed."""
    dirs = sorted((p for p in os.listdir(path) if re.match(r"run-\d+$", p)),
                  key=lambda p: int(p[4:]))
    ds = [Dir(os.path.join(path, p)) for p in dirs]
    if not ds:
        print("summary: no %s/run-N directories" % path)
        return 2
    allruns = [runs_of(d) for d in ds]
    keys = []
    for rs in allruns:
        for r in rs:
            k = (r.scenario, r.mix, r.bots)
            if k not in keys:
                keys.append(k)
    figs = dict((k, []) for k in keys)
    for rs in allruns:
        for r in rs:
            figs[(r.scenario, r.mix, r.bots)].append(r.figures())
    med, spread = [], []
    for k in keys:
        m, sp = {}, {}
        for c, _ in COLUMNS:
            vs = [f.get(c) for f in figs[k] if f.get(c) is not None]
            m[c] = median(vs)
            sp[c] = (100 * (max(vs) - min(vs)) / 2 / abs(m[c])
                     if vs and m[c] else None)
        med.append(k + (m,))
        spread.append(k + (sp,))
    print("%d runs (%s): the median of every figure, then its spread "
          "(half the range, in %% of the median)"
          % (len(ds), ", ".join(dirs)))
    for line in header(ds[0].facts.get("workers", "?"))[1:]:
        print(line)
    for line in table(med):
        print(line)
    print("")
    print("Spread: (max - min) / 2 / median, %")
    for line in table(spread, "%.0f%%"):
        print(line)
    tl = [targets_of(rs) for rs in allruns]
    print("")
    print("Targets, the verdict of each run (%s); the figures are %s's"
          % (" ".join(dirs), dirs[0]))
    n = max(len(t) for t in tl)
    verdicts = []
    for i in range(n):
        vs = [t[i].split()[0] if i < len(t) else "-" for t in tl]
        text = next((t[i] for t in tl if i < len(t)), "")
        text = text.split(None, 1)[1] if " " in text else text
        # The middle verdict: MISS when most runs missed.
        bad = sum(v in ("MISS", "DISTURBED") for v in vs)
        verdicts.append("MISS" if 2 * bad > len(vs) else "PASS")
        print("%-30s %s" % (" ".join(vs), text))
    secs = [num(d.facts.get("ended")) - num(d.facts.get("started"))
            for d in ds]
    print("")
    print("took %s s" % " + ".join("%.0f" % x for x in secs))
    return 1 if "MISS" in verdicts else 0


def main(argv):
    """busy, run, tail, stalls or summary."""
    if len(argv) < 3 or argv[2] not in ("busy", "run", "tail", "stalls",
                                        "summary") or \
            (argv[2] == "run" and len(argv) not in (8, 9)):
        sys.stderr.write(__doc__)
        return 2
    if argv[2] == "summary":
        return summary(argv[1])
    d = Dir(argv[1])
    if argv[2] == "busy":
        s = d.samples("busy")
        busy = d.pct(s["start"][4], s["end"][4], s["start"][0],
                     s["end"][0]) if "start" in s and "end" in s else "?"
        print("machine busy before the run: %s%% of one core (other users' "
              "load disturbs every number below)" % busy)
        if num(busy) > OTHER_MAX:
            print("bench: WARNING: the machine is busy (over %d%% of a core "
                  "before starting); expect DISTURBED windows, or run "
                  "later" % OTHER_MAX)
    elif argv[2] == "run":
        print(Run(d, *argv[3:]).report()[0])
    elif argv[2] == "stalls":
        stalls(d)
    else:
        return tail(d)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
