#!/usr/bin/python3
"""cdp_dashboard.py -- drive Debian's chromium (headless) against keepd's
admin dashboard over the Chrome DevTools Protocol (its websocket), as a
member of staff would use it, while players play over raw telnet sockets.

    /usr/bin/python3 tests/web/cdp_dashboard.py KEEPD_PORT HTTP_PORT SHOT

Needs DATABASE_URL and KEEPD (tests/web/dashboard.sh sets them) to make
the admin with `keepd role NAME admin`.  Checked, in the browser:
  - the dashboard without signing in sends the browser to /login, and no
    dashboard data is served (/api/live answers 401);
  - a wrong password is refused ("Wrong name or password.") and still
    nothing is served;
  - the right password signs in and the map is drawn (every room);
  - a player who logs in over telnet appears on the map, in the start room,
    and in the online table;
  - their `say` appears in the event stream;
  - they walk north and the map shows them in the new room;
  - a screenshot is written to SHOT (Page.captureScreenshot);
  - signing out ends the session: /api/live answers 401 again.
Prints "dashboard: ok: ..." per check; exits 1 at the first failure.
"""
import base64
import json
import os
import random
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

WAIT = 15
WHO = "dashboard"
passed = 0


def fail(msg):
    print("%s: FAILED: %s" % (WHO, msg), file=sys.stderr)
    raise SystemExit(1)


def ok(msg):
    global passed
    passed += 1
    print("%s: ok: %s" % (WHO, msg), flush=True)


def rand_name(prefix):
    return prefix + "".join(random.choice(string.ascii_lowercase)
                            for _ in range(6))


class Telnet:
    """A player on a raw socket, speaking docs/protocol.md's dialog."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), 5)
        self.s.settimeout(0.5)
        self.buf = b""

    def until(self, text):
        end = time.time() + WAIT
        while text.encode() not in self.buf:
            if time.time() > end:
                fail("telnet: no %r in %r" % (text, self.buf[-300:]))
            try:
                data = self.s.recv(4096)
            except socket.timeout:
                continue
            if not data:
                fail("telnet: connection closed waiting for %r" % text)
            self.buf += data
        i = self.buf.index(text.encode()) + len(text)
        self.buf = self.buf[i:]

    def line(self, text):
        self.s.sendall(text.encode() + b"\r\n")

    def create(self, name, password):
        self.until("Name:")
        self.line(name)
        self.until("(yes/no)")
        self.line("yes")
        self.until("password:")
        self.line(password)
        self.until("password:")
        self.line(password)
        self.until("Welcome")

    def login(self, name, password):
        self.until("Name:")
        self.line(name)
        self.until("Password:")
        self.line(password)
        self.until("Welcome")

    def close(self):
        try:
            self.line("quit")
            time.sleep(0.2)
        except OSError:
            pass
        self.s.close()


class Browser:
    """Headless chromium and one page, driven over CDP."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="keep-chromium.")
        args = ["/usr/bin/chromium", "--headless=new", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking",
                "--remote-debugging-port=0", "--user-data-dir=" + self.dir,
                "--window-size=1600,1000", "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(
                                         self.dir, "chromium.log"), "w"))
        port_file = os.path.join(self.dir, "DevToolsActivePort")
        end = time.time() + 30
        while not os.path.exists(port_file) or \
                os.path.getsize(port_file) == 0:
            if time.time() > end or self.proc.poll() is not None:
                fail("chromium did not start (see its log)")
            time.sleep(0.1)
        port = int(open(port_file).read().split()[0])
        pages = json.load(urllib.request.urlopen(
            "http://127.0.0.1:%d/json/list" % port, timeout=10))
        url = [p for p in pages if p["type"] == "page"][0]
        self.ws = websocket.create_connection(
            url["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=1600,
                  height=1000, deviceScaleFactor=1, mobile=False)

    def call(self, method, **params):
        self.next_id += 1
        my = self.next_id
        self.ws.send(json.dumps({"id": my, "method": method,
                                 "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my:
                if "error" in msg:
                    fail("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def js(self, expr):
        """The value of a JavaScript expression (promises awaited)."""
        r = self.call("Runtime.evaluate", expression=expr,
                      awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in r:
            return None
        return r["result"].get("value")

    def goto(self, url):
        self.call("Page.navigate", url=url)

    def wait(self, expr, what):
        end = time.time() + WAIT
        while time.time() < end:
            v = self.js(expr)
            if v:
                return v
            time.sleep(0.2)
        fail("timed out waiting for %s (%s); page: %s" % (
            what, expr, (self.js("document.body ? "
                                 "document.body.innerText : ''") or "")[:1500]))

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def status_of(b, path):
    return b.js("fetch(%s, {credentials: 'same-origin'}).then(r => r.status)"
                % json.dumps(path))


def room_of(b, name):
    """The id of the map room whose players include name, or None."""
    return b.js("""(() => {
        for (const g of document.querySelectorAll('#map g.room'))
            if (g.dataset.players.split(',').includes(%s))
                return g.dataset.room;
        return null; })()""" % json.dumps(name))


def main():
    kport, hport, shot = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    base = "http://127.0.0.1:%d" % hport
    admin, apw = rand_name("Boss"), "dash-admin-%d" % os.getpid()
    walker, wpw = rand_name("Walk"), "dash-walker-%d" % os.getpid()
    ear, epw = rand_name("Ear"), "dash-ear-%d" % os.getpid()

    # The characters: an admin (made over telnet, then `keepd role`), a
    # player who walks and talks, and one who listens (a say is written
    # only when someone is there to hear it).
    for name, pw in ((admin, apw), (walker, wpw), (ear, epw)):
        t = Telnet(kport)
        t.create(name, pw)
        t.close()
    r = subprocess.run([os.environ["KEEPD"], "role", admin, "admin"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail("keepd role %s admin: %s" % (admin, r.stderr))

    b = Browser()
    players = []
    try:
        b.goto(base + "/dashboard")
        b.wait("location.pathname === '/login' && "
               "document.getElementById('signin') !== null", "the sign-in page")
        if b.js("document.getElementById('map') === null") is not True:
            fail("the sign-in page shows dashboard parts")
        if status_of(b, "/api/live") != 401:
            fail("/api/live without signing in is not 401")
        ok("not signed in: /dashboard goes to /login, /api/live is 401")

        def sign_in(name, pw):
            b.js("""(() => {
                document.getElementById('name').value = %s;
                document.getElementById('password').value = %s;
                document.getElementById('submit').click(); })()"""
                 % (json.dumps(name), json.dumps(pw)))

        sign_in(admin, "not-the-password")
        b.wait("location.pathname === '/login' && document.getElementById("
               "'error').textContent.includes('Wrong name or password.')",
               "the refusal of a wrong password")
        if status_of(b, "/api/live") != 401 or \
                b.js("document.getElementById('map') === null") is not True:
            fail("a wrong password shows dashboard data")
        ok("a wrong password is refused and shows nothing")

        b.goto(base + "/login")
        b.wait("document.getElementById('signin') !== null",
               "the sign-in page again")
        sign_in(admin, apw)
        b.wait("location.pathname === '/dashboard'", "the dashboard")
        nrooms = b.wait("document.querySelectorAll('#map g.room').length",
                        "the map's rooms")
        if nrooms < 40:
            fail("the map has %s rooms" % nrooms)
        if b.js("document.getElementById('me').textContent") != admin:
            fail("the header does not name %s" % admin)
        if b.js("document.cookie") != "":
            fail("the session cookie is visible to JavaScript")
        ok("signed in as %s; the map shows %d rooms" % (admin, nrooms))
        b.wait("document.getElementById('status').textContent === 'live'",
               "the event stream to open")

        # A player logs in over telnet: on the map, in the start room.
        ew = Telnet(kport)
        ew.login(ear, epw)
        players.append(ew)
        w = Telnet(kport)
        w.login(walker, wpw)
        players.append(w)
        start = b.wait("""(() => {
            for (const g of document.querySelectorAll('#map g.room'))
                if (g.dataset.players.split(',').includes(%s))
                    return g.dataset.room;
            return null; })()""" % json.dumps(walker),
                       "%s on the map" % walker)
        b.wait("document.querySelector('#online tr[data-name=%s]') !== null"
               % json.dumps(walker), "%s in the online table" % walker)
        if "127.0.0.1" not in b.js(
                "document.querySelector('#online tr[data-name=%s]')"
                ".textContent" % json.dumps(walker)):
            fail("the online table does not show %s's address" % walker)
        ok("%s logged in over telnet: on the map in room %s and online"
           % (walker, start))

        # A say: the listener hears it, the stream shows it.
        words = "the dashboard sees %d" % random.randint(1000, 9999)
        w.line("say " + words)
        ew.until(words)
        b.wait("document.getElementById('events').textContent.includes(%s)"
               % json.dumps(words), "the say in the event stream")
        ok("%s's say appears in the event stream" % walker)

        # A move: the map follows.
        w.line("north")
        moved = b.wait("""(() => {
            for (const g of document.querySelectorAll('#map g.room'))
                if (g.dataset.players.split(',').includes(%s) &&
                    g.dataset.room !== %s)
                    return g.dataset.room;
            return null; })()""" % (json.dumps(walker), json.dumps(start)),
                       "%s's move on the map" % walker)
        b.wait("document.getElementById('events').textContent.includes(%s)"
               % json.dumps(walker + " leaves north"),
               "the departure in the event stream")
        ok("%s walked north: the map shows room %s" % (walker, moved))

        # Let the tables settle, then keep a picture for the note.
        time.sleep(2)
        png = base64.b64decode(b.call("Page.captureScreenshot",
                                      format="png")["data"])
        os.makedirs(os.path.dirname(shot) or ".", exist_ok=True)
        with open(shot, "wb") as f:
            f.write(png)
        if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 10000:
            fail("the screenshot is not a PNG of a page")
        ok("screenshot in %s (%d bytes)" % (shot, len(png)))

        b.js("document.querySelector('#signout button').click()")
        b.wait("location.pathname === '/login'", "the sign-in page after "
               "signing out")
        if status_of(b, "/api/live") != 401:
            fail("/api/live after signing out is not 401")
        ok("signed out: the session is gone")
    finally:
        for p in players:
            p.close()
        b.close()
    print("%s: %d checks passed" % (WHO, passed))


if __name__ == "__main__":
    main()
