#!/usr/bin/env python3
"""window.py — sample, from /proc, the CPU of keepd, PostgreSQL and the
load generator over one measured window, for bench/run.sh.

    python3 bench/window.py [--keepd PID] [--pgdata DIR] [--gen PID]
        [--online URL PREFIX BOTS] [--delay S] [--seconds S] >NAME.cpu

--online first waits until BOTS characters named PREFIX... are online
(psql; it goes on when their logins stall); then --delay; then the window
of --seconds (0: until the generator exits, whose own CPU is then lost).
Prints "start" and "end" lines of "UPTIME KEEPD POSTGRES GENERATOR HOST"
CPU ticks ("-": not followed), the end left out when the generator exits
before the window does, and "rss KB", keepd's resident memory at the end.
bench/report.py reads them.  Standard library only.
"""
import argparse
import os
import subprocess
import time


def ticks(pid):
    """utime + stime of a process and its parent's pid (None if it is gone
    or a zombie, waiting for run.sh to reap it)."""
    try:
        with open("/proc/%s/stat" % pid) as f:
            fields = f.read().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return None, None
    if fields[0] == "Z":
        return None, None
    return int(fields[11]) + int(fields[12]), fields[1]


def pg_ticks(pgdata):
    """Ticks of the postmaster and all its children (the backends)."""
    try:
        with open(os.path.join(os.path.realpath(pgdata),
                               "postmaster.pid")) as f:
            pm = f.readline().strip()
    except OSError:
        return None
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        t, parent = ticks(pid)
        if t is not None and pm in (pid, parent):
            total += t
    return total


def host_ticks():
    """Ticks the whole machine was busy (steal included: a neighbour's)."""
    with open("/proc/stat") as f:
        cpu = f.readline().split()
    return sum(int(cpu[i]) for i in (1, 2, 3, 6, 7, 8))


def rss_kb(pid):
    """keepd's VmRSS in kB ("-" if it is gone)."""
    try:
        with open("/proc/%s/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return line.split()[1]
    except OSError:
        pass
    return "-"


def sample(a, gen):
    """One line: uptime and the ticks of keepd, PostgreSQL, gen, host."""
    with open("/proc/uptime") as f:
        up = f.read().split()[0]
    vals = [ticks(a.keepd)[0] if a.keepd else None,
            pg_ticks(a.pgdata) if a.pgdata else None,
            ticks(gen)[0] if gen else None, host_ticks()]
    return " ".join([up] + ["-" if v is None else str(v) for v in vals])


def alive(pid):
    """Whether the generator still runs (no pid: always)."""
    return pid is None or ticks(pid)[0] is not None


def wait_online(a):
    """Until BOTS characters of PREFIX are online, or logins stall for
    three seconds; False if the generator ended first."""
    url, prefix, bots = a.online
    last, still = -1, 0
    while alive(a.gen):
        n = int(subprocess.run(
            ["psql", "-XqAt", url, "-c",
             "SELECT count(*) FROM characters WHERE session_instance IS "
             "NOT NULL AND name LIKE '%s%%'" % prefix],
            capture_output=True, text=True).stdout.strip() or 0)
        if n >= int(bots):
            return True
        still = still + 1 if n > 0 and n == last else 0
        if still >= 15:
            return True	# some logins failed: the run goes on without
        last = n
        time.sleep(0.2)
    return False


def main():
    """Wait, sample the window, print."""
    p = argparse.ArgumentParser()
    p.add_argument("--keepd")
    p.add_argument("--pgdata")
    p.add_argument("--gen")
    p.add_argument("--online", nargs=3)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--seconds", type=float, default=0)
    a = p.parse_args()
    if a.online is None or wait_online(a):
        time.sleep(a.delay)
        gen = a.gen if a.seconds > 0 else None
        print("start " + sample(a, gen), flush=True)
        if a.seconds > 0:
            time.sleep(a.seconds)
        else:
            while alive(a.gen):
                time.sleep(0.05)
        end = sample(a, gen)
        if alive(gen):
            print("end " + end)
    if a.keepd:
        print("rss " + rss_kb(a.keepd))


if __name__ == "__main__":
    main()
