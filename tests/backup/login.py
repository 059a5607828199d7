#!/usr/bin/python3
"""A player over a raw TCP socket for tests/backup/backup-test.sh.

  login.py wait PORT                  wait until keepd accepts on PORT
  login.py new PORT NAME PASSWORD     create NAME through the login dialog
  login.py old PORT NAME PASSWORD     log NAME in with its password

After logging in it types `score`, checks `Coins: 100` and quits. Telnet
negotiation is refused (WONT/DONT), as a client without options would, and
telnet commands are dropped from what is matched. Exits 0 on success; on
failure prints what was expected and the text seen to stderr, exits 1.
"""
import socket
import sys
import time

IAC, SB, SE, GA = 255, 250, 240, 249
WILL, WONT, DO, DONT = 251, 252, 253, 254
STEP_SECS = 15


class Session:
    """A connection to keepd: what it said (telnet commands removed)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), 5)
        self.text = ""
        self.seen = 0
        self.state = "data"
        self.opt_cmd = 0

    def feed(self, data):
        """Strip telnet commands from data into self.text, refusing options."""
        out = bytearray()
        for b in data:
            if self.state == "data":
                if b == IAC:
                    self.state = "iac"
                else:
                    out.append(b)
            elif self.state == "iac":
                if b == IAC:
                    out.append(b)
                    self.state = "data"
                elif b in (WILL, WONT, DO, DONT):
                    self.opt_cmd = b
                    self.state = "opt"
                elif b == SB:
                    self.state = "sb"
                else:
                    self.state = "data"
            elif self.state == "opt":
                if self.opt_cmd == DO:
                    self.sock.sendall(bytes([IAC, WONT, b]))
                elif self.opt_cmd == WILL:
                    self.sock.sendall(bytes([IAC, DONT, b]))
                self.state = "data"
            elif self.state == "sb":
                if b == IAC:
                    self.state = "sb_iac"
            elif self.state == "sb_iac":
                self.state = "data" if b == SE else "sb"
        self.text += out.decode("utf-8", "replace")

    def expect(self, what):
        """Wait until what appears after the last match; fail if it does not."""
        end = time.time() + STEP_SECS
        while True:
            i = self.text.find(what, self.seen)
            if i >= 0:
                self.seen = i + len(what)
                return
            left = end - time.time()
            if left <= 0:
                fail("no %r within %d s" % (what, STEP_SECS), self.text)
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            if not data:
                fail("keepd closed the connection before %r" % what,
                     self.text)
            self.feed(data)

    def send(self, line):
        """Type a line, as a player would."""
        self.sock.sendall(line.encode() + b"\r\n")

    def closed(self):
        """Wait for keepd to close the connection."""
        end = time.time() + STEP_SECS
        while time.time() < end:
            self.sock.settimeout(max(0.1, end - time.time()))
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            if not data:
                return
            self.feed(data)
        fail("keepd did not close the connection after quit", self.text)


def fail(why, text=""):
    """Say what went wrong and what keepd had said, and exit 1."""
    print("login.py: " + why, file=sys.stderr)
    if text:
        print("--- keepd said:\n" + text[-1500:], file=sys.stderr)
    sys.exit(1)


def wait(port):
    """Wait until keepd accepts connections on port."""
    end = time.time() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            if time.time() > end:
                fail("keepd does not accept on port %d" % port)
            time.sleep(0.1)


def login(mode, port, name, password):
    """Create (new) or log in (old) name, check its score, quit."""
    s = Session(port)
    s.expect("Name: ")
    s.send(name)
    if mode == "new":
        s.expect("(yes/no)")
        s.send("yes")
        s.expect("Choose a password: ")
        s.send(password)
        s.expect("Repeat the password: ")
        s.send(password)
        s.expect("Welcome, %s." % name)
    else:
        s.expect("Password: ")
        s.send(password)
        s.expect("Welcome back, %s." % name)
    s.expect("hp>")
    s.send("score")
    s.expect("Coins: 100")
    s.expect("hp>")
    s.send("quit")
    s.closed()


def main():
    """Parse the command line and run the mode."""
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "wait":
        wait(int(a[1]))
    elif len(a) == 4 and a[0] in ("new", "old"):
        login(a[0], int(a[1]), a[2], a[3])
    else:
        fail(__doc__.strip().split("\n\n")[0] + ": bad arguments")


if __name__ == "__main__":
    main()
