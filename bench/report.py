#!/usr/bin/env python3
"""report.py — make bench's report, from the raw results bench/run.sh
leaves in its output directory (docs/performance.md, "Reading the report").

    python3 bench/report.py DIR busy
    python3 bench/report.py DIR run SCENARIO MIX BOTS KB PG
    python3 bench/report.py DIR tail

busy: the machine's load before the run (DIR/busy.cpu).  run: the line of
one finished run: keep-bench's DIR/KB.json and DIR/KB.cpu, pgbench's
DIR/PG.pgbench and DIR/PG.cpu (PG "-": none).  tail: the table, the cost
per command and the targets of every run listed in DIR/runs (one
"SCENARIO MIX BOTS KB PG" a line, as run was given), then keepd's peak
memory and the time taken (DIR/facts: "KEY VALUE" lines).  tail exits 0
when every target passed, 1 when one missed.  Every target wants all the
bots asked for online at the end of the run (keep-bench's "online"): with
fewer it is a MISS, and the lines say how many were.

A .cpu file holds /proc samples, "start" and "end" lines of "UPTIME KEEPD
POSTGRES GENERATOR HOST" (CPU ticks; "-" for a process not followed) and
an "rss KB" line (keepd's resident memory at the end); without start and
end the window was not all inside the run.  Standard library only.
"""
import json
import os
import re
import sys

TABLE = ("%-10s %-6s %5s %8s %9s %5s %6s %6s %6s %7s %7s %6s %6s %6s %5s "
         "%4s %4s %4s")
COST = "%-8s %14s %18s %16s %18s"
MIXES = ("look", "move", "say", "give", "mixed")
BENCH = os.path.dirname(os.path.abspath(__file__))


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
    with open(os.path.join(BENCH, os.path.basename(script))) as f:
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


def verdict(ok):
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


class Run:
    """One line of DIR/runs: a keep-bench run and its pgbench run."""

    def __init__(self, d, scenario, mix, bots, kb, pg):
        """The run's names (PG "-": none) and its CPU samples."""
        self.d, self.scenario, self.mix, self.bots = d, scenario, mix, bots
        self.kb, self.pg = kb, (None if pg == "-" else pg)
        self.cpu = d.cpu(kb) or {}
        self.pgcpu = (d.cpu(self.pg) if self.pg else None) or {}

    def kv(self, key):
        """A value of keep-bench's report."""
        return self.d.kv(self.kb, key)

    def tps(self):
        """pgbench's tps ("" without pgbench)."""
        return self.d.tps(self.pg) if self.pg else ""

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

    def row(self):
        """The table's 18 raw fields."""
        c = dict((k, self.cpu.get(k) or "-")
                 for k in ("k", "p", "g", "rss", "o"))
        if self.scenario == "logins":
            secs, cnt = num(self.kv("login.seconds")), num(
                self.kv("login.count"))
            rate = "%.1f" % (cnt / secs) if secs > 0 else ""
            return ["logins", self.mix, self.column(), rate, "",
                    self.kv("login.p50_ms"), "", self.kv("login.p99_ms"), "",
                    self.kv("login.max_ms"), self.kv("login.failed"), "", "",
                    c["k"], c["rss"], c["p"], c["g"], c["o"]]
        t = ["total." + k for k in ("p50_ms", "p90_ms", "p99_ms", "p999_ms",
                                    "max_ms", "errors", "timeouts",
                                    "refused")]
        return ([self.scenario, self.mix, self.column(),
                 self.kv("throughput"),
                 self.tps()] + [self.kv(k) for k in t] +
                [c["k"], c["rss"], c["p"], c["g"], c["o"]])

    def logins(self):
        """(line, target) of a logins pass."""
        secs, cnt = self.kv("login.seconds"), self.kv("login.count")
        failed = self.kv("login.failed")
        ok = num(cnt) >= num(self.bots) and num(secs, 99999) < 10
        what = ("%s new characters created" if self.mix == "new"
                else "the same %s logging in again") % self.bots
        line = ("logins %s: %s logins in %s s (login p50 %s ms, p99 %s ms, "
                "failed %s)" % (self.mix, cnt or "?", secs or "?",
                                self.kv("login.p50_ms"),
                                self.kv("login.p99_ms"), failed))
        target = ("%s  logins      %s (argon2id at production cost): %.1f s "
                  "(target < 10 s), %s logged in, %s failed"
                  % (verdict(ok), what, num(secs), cnt or "?", failed))
        return line, target

    def throughput(self):
        """(line, target) of a throughput mix."""
        cps, tps = self.kv("throughput"), self.tps()
        r = ratio(cps, tps)
        pc = self.pgcpu
        line = ("throughput %s: keepd %s/s (p99 %s ms, errors %s, timeouts "
                "%s); pgbench %s tps (latency %s ms; CPU: PostgreSQL %s%%, "
                "pgbench %s%%, other %s%%); ratio %s%%"
                % (self.mix, rnd(cps), self.kv("total.p99_ms"),
                   self.kv("total.errors"), self.kv("total.timeouts"),
                   rnd(tps), self.d.lat(self.pg), pc.get("p") or "?",
                   pc.get("g") or "?", pc.get("o") or "?", r))
        target = ("%s  throughput  %s, %s bots closed loop: keepd %s cmds/s "
                  "vs pgbench %s tps = %s%% (target >= 80%%)"
                  % (verdict(num(r) >= 80 and self.full()), self.mix,
                     self.measured(), rnd(cps), rnd(tps), r))
        return line, target

    def scaling(self):
        """(line, this run's part of the INFO target)."""
        thr, p99 = self.kv("throughput"), self.kv("total.p99_ms")
        line = ("scaling %s bots: keepd %s/s, p50 %s ms, p99 %s ms, %s "
                "messages to bots unasked (whole run); pgbench with as many "
                "online %s tps" % (self.bots, rnd(thr),
                                   self.kv("total.p50_ms"), p99,
                                   self.kv("notifications"), rnd(self.tps())))
        part = (" %s: %s/s (%s%% of pgbench) p99 %s ms;"
                % (self.measured(), rnd(thr), ratio(thr, self.tps()), p99))
        return line, part

    def latency(self):
        """(line, target) of the open-loop latency run."""
        p50, p99 = self.kv("total.p50_ms"), self.kv("total.p99_ms")
        ok = num(p50, 999) < 2 and num(p99, 999) < 10 and self.full()
        line = ("latency: %s/s, p50 %s ms, p99 %s ms, errors %s, timeouts %s"
                % (rnd(self.kv("throughput")), p50, p99,
                   self.kv("total.errors"), self.kv("total.timeouts")))
        target = ("%s  latency     %s bots x 5 cmds/s open loop (mixed): p50 "
                  "%s ms (< 2), p99 %s ms (< 10)"
                  % (verdict(ok), self.measured(), p50 or "?", p99 or "?"))
        return line, target

    def crowd(self):
        """(line, target) of the crowded rooms."""
        p99 = self.kv("total.p99_ms")
        line = ("crowd: %s/s, p50 %s ms, p99 %s ms, errors %s, timeouts %s, "
                "%s messages to bots unasked (whole run)"
                % (rnd(self.kv("throughput")), self.kv("total.p50_ms"), p99,
                   self.kv("total.errors"), self.kv("total.timeouts"),
                   self.kv("notifications")))
        target = ("%s  crowd       %s bots in rooms 1000,1001 x 2 cmds/s open "
                  "loop (look/say/move): p99 %s ms (< 50)"
                  % (verdict(num(p99, 999) < 50 and self.full()),
                     self.measured(), p99 or "?"))
        return line, target

    def idle(self):
        """(line, target) of the idle players."""
        kc, rss = self.cpu.get("k", ""), self.cpu.get("rss", "")
        mb = "%.1f" % (num(rss) / 1024)
        n = self.online()
        on = "%s of %s" % ("?" if n is None else n, self.bots)
        ok = (self.full() and have(rss) and num(rss) / 1024 < 100 and
              have(kc) and num(kc) < 2)
        line = ("idle: %s connected, keepd RSS %s MB, CPU %s%% of one core"
                % (on, mb, kc))
        target = ("%s  idle        %s idle players connected (target: "
                  "all), keepd RSS %s MB (< 100), CPU %s%% of one core (< 2)"
                  % (verdict(ok), on, mb, kc or "?"))
        return line, target

    def report(self):
        """(line, target) of this run (target: the scaling part); the line
        says so when fewer bots than asked were online (idle: always)."""
        line, target = getattr(self, self.scenario)()
        if self.scenario != "idle":
            line += self.short()
        return line, target


def table(rows):
    """The results table, header first."""
    out = [TABLE % ("scenario", "mix", "bots", "keepd/s", "pgbench/s",
                    "ratio", "p50ms", "p90ms", "p99ms", "p99.9ms", "maxms",
                    "err+to", "keepd%", "us/cmd", "rssMB", "pg%", "gen%",
                    "oth%")]
    for f in rows:
        r = ("%.0f%%" % (100 * num(f[3]) / num(f[4]))
             if f[3] != "" and f[4] != "" and num(f[4]) > 0 else "-")
        et = "-" if f[10] == "" and f[11] == "" else \
            awknum(num(f[10]) + num(f[11]))
        us = (1e4 * num(f[13]) / num(f[3])
              if f[3] != "" and num(f[3]) > 0 and have(f[13]) else "")
        rss = num(f[14]) / 1024 if have(f[14]) else ""
        out.append(TABLE % (
            f[0], f[1], f[2], fmt(f[3], "%.0f"), fmt(f[4], "%.0f"), r,
            fmt(f[5], "%.2f"), fmt(f[6], "%.2f"), fmt(f[7], "%.2f"),
            fmt(f[8], "%.2f"), fmt(f[9], "%.1f"), et, fmt(f[13], "%.1f"),
            fmt(us, "%.0f"), fmt(rss, "%.1f"), fmt(f[15], "%.0f"),
            fmt(f[16], "%.0f"), fmt(f[17], "%.0f")))
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


def tail(d):
    """The table, the cost, the targets, the peak memory; 1 on a MISS."""
    runs = [Run(d, *l.split()) for l in d.lines("runs") if l.split()]
    workers = d.facts.get("workers", "?")
    print("")
    print("Results (keepd/s and latencies from keep-bench; pgbench/s: the "
          "same statements at -c %s; ratio = keepd/s / pgbench/s;" % workers)
    print(" err+to: errors + timeouts; keepd%, pg%, gen%, oth%: CPU of "
          "keepd, PostgreSQL, keep-bench, everything else, % of one core;")
    print(" us/cmd: keepd's CPU microseconds per command; rssMB: keepd's "
          "resident memory at the end of the window;")
    print(" bots: keep-bench's bots online at the end of the run)")
    for line in table([r.row() for r in runs]):
        print(line)
    print("")
    print("Cost per command (keepd: store counters via dbstats over the "
          "window; pgbench: statements per transaction of the script)")
    print(COST % ("kind", "keepd stmts", "keepd round trips",
                  "pgbench stmts", "pgbench rnd trips"))
    for line in cost(d, runs):
        print(line)
    targets, scaling, full = [], "", True
    for i, r in enumerate(runs):
        _, t = r.report()
        if r.scenario != "scaling":
            targets.append(t)
            continue
        # No target but all bots online: MISS when a run had fewer.
        scaling, full = scaling + t, full and r.full()
        if i + 1 == len(runs) or runs[i + 1].scenario != "scaling":
            targets.append("%s  scaling     mixed, closed loop, bots ->%s"
                           % ("INFO" if full else "MISS", scaling[:-1]))
            scaling, full = "", True
    if targets:
        print("")
        print("Targets")
        for t in targets:
            print(t)
    print("")
    print("keepd peak RSS (VmHWM) %.1f MB over the whole run; raw outputs in "
          "%s/; took %.0f s" % (num(d.facts.get("hwm_kb")) / 1024, d.path,
                                num(d.facts.get("ended")) -
                                num(d.facts.get("started"))))
    return 1 if any(t.startswith("MISS") for t in targets) else 0


def main(argv):
    """busy, run or tail."""
    if len(argv) < 3 or argv[2] not in ("busy", "run", "tail") or \
            (argv[2] == "run" and len(argv) != 8):
        sys.stderr.write(__doc__)
        return 2
    d = Dir(argv[1])
    if argv[2] == "busy":
        s = d.samples("busy")
        busy = d.pct(s["start"][4], s["end"][4], s["start"][0],
                     s["end"][0]) if "start" in s and "end" in s else "?"
        print("machine busy before the run: %s%% of one core (other users' "
              "load disturbs every number below)" % busy)
    elif argv[2] == "run":
        print(Run(d, *argv[3:]).report()[0])
    else:
        return tail(d)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
