#!/usr/bin/env python3
"""drift.py — is every statement of the pgbench scripts still the store's?

    python3 bench/drift.py [ROOT]

bench/*.sql copy keepd's statements from server/db/ (docs/performance.md,
"The ceiling").  This reads the C source as the compiler would see the
SQL: adjacent string literals joined and every macro that makes a string
(STORE_CHANNEL, NOTIFY_BELL, CHAR_COLS, SHOP_MATCH(kw, words), ...)
expanded, from any .c or .h of server/db/.  Each struct store_stmt (or
array of them) gives its statements; every string that is a whole BEGIN or
COMMIT gives the transaction's bounds.  A script's statement matches when it is one of the
store's after whitespace is collapsed and parameters ($n in the store,
:name in pgbench) are made alike; everything else, the notify channel
included, must be the same text.

Prints one line ("sql check: ...") when nothing drifted and exits 0; else
a WARNING line per statement, with the store statement nearest to it and
where the two part, and exits 1; exits 2 when it finds no
statements to compare (the source changed shape and the check would pass
vacuously).  Python 3 standard library only.
"""
import difflib
import glob
import os
import re
import sys

# C tokens that matter here: comments, string and character literals,
# preprocessor lines, identifiers, numbers, single punctuation characters.
TOKEN = re.compile(r'''
    (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<char>'(?:[^'\\\n]|\\.)*')
  | (?P<define>^[ \t]*\#[ \t]*define[ \t]+(?P<name>\w+)
      (?P<body>(?:\\\n|[^\n])*))
  | (?P<cpp>^[ \t]*\#(?:\\\n|[^\n])*)
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<number>\d\w*)
  | (?P<punct>[^\s\w])
''', re.S | re.M | re.X)

ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


def unquote(lit):
    """The value of one C string literal (the escapes SQL text uses)."""
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)),
                  lit[1:-1])


def tokens(text):
    """(kind, value) pairs of C source, comments dropped; a #define is
    ("define", (name, body))."""
    out = []
    for m in TOKEN.finditer(text):
        if m.group("define"):
            out.append(("define", (m.group("name"), m.group("body"))))
        elif m.lastgroup != "comment":
            out.append((m.lastgroup, m.group(m.lastgroup)))
    return out


def string_macros(toks):
    """Every #define: {name: (parameters or None, body tokens)}."""
    macros = {}
    for kind, val in toks:
        if kind != "define":
            continue
        name, body = val
        params = None
        m = re.match(r"\(([^)]*)\)", body)
        if m:
            params = [p.strip() for p in m.group(1).split(",")]
            body = body[m.end():]
        macros[name] = (params, tokens(body.replace("\\\n", " ")))
    return macros


def string_run(toks, i, macros, env=None, depth=0):
    """The string the compiler builds from toks[i:]: adjacent literals,
    macro parameters (env) and macros that expand to strings, joined.
    Returns (index after it, text), or None if toks[i] starts none."""
    parts, j = [], i
    while j < len(toks) and depth < 20:
        kind, v = toks[j]
        if kind == "string" or (env and v in env):
            parts.append(unquote(v) if kind == "string" else env[v])
            j += 1
            continue
        if kind != "ident" or v not in macros:
            break
        params, body = macros[v]
        args, nxt = {}, j + 1
        if params is not None:
            # NAME ( run , run ... )
            if nxt >= len(toks) or toks[nxt][1] != "(":
                break
            nxt += 1
            for n, p in enumerate(params):
                r = string_run(toks, nxt, macros, env, depth)
                sep = ")" if n == len(params) - 1 else ","
                if r is None or r[0] >= len(toks) or toks[r[0]][1] != sep:
                    break
                args[p], nxt = r[1], r[0] + 1
            if len(args) != len(params):
                break
        r = string_run(body, 0, macros, args, depth + 1)
        if r is None or r[0] != len(body):
            break
        parts.append(r[1])
        j = nxt
    return (j, "".join(parts)) if parts else None


def strings(toks, macros):
    """Every string the compiler builds: {index of its first token:
    (index after its last, text)}."""
    out, i = {}, 0
    while i < len(toks):
        r = string_run(toks, i, macros)
        if r is None:
            i += 1
        else:
            out[i] = r
            i = r[0]
    return out


def store_sql(root):
    """The store's statements {normalised sql: name} and its BEGIN and
    COMMIT strings."""
    toks = []
    for path in sorted(glob.glob(os.path.join(root, "server/db/*.[ch]"))):
        with open(path, encoding="utf-8") as f:
            toks += tokens(f.read())
    runs = strings(toks, string_macros(toks))
    stmts, tx = {}, set()
    for i in range(len(toks) - 3):
        # struct store_stmt NAME [ [] ] = { ... }: each { "name", SQL, ...
        if toks[i][1] != "struct" or toks[i + 1][1] != "store_stmt":
            continue
        j = i + 2
        while j < len(toks) and toks[j][1] not in ("{", ";", ")", "("):
            j += 1
        if j >= len(toks) or toks[j][1] != "{" or toks[j - 1][1] != "=":
            continue
        depth = 0
        while j < len(toks) - 3 and toks[j][1] != ";":
            if toks[j][1] == "{":
                depth += 1
                name, comma, end = toks[j + 1], toks[j + 2][1], j + 3
                if name[0] == "string" and comma == "," and end in runs:
                    k, sql = runs[end]
                    if k < len(toks) and toks[k][1] == ",":
                        stmts[norm(sql)] = unquote(name[1])
            elif toks[j][1] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
    for _, s in runs.values():
        if re.fullmatch(r"(BEGIN|COMMIT)[A-Z ]*", s):
            tx.add(s)
        # store_xid_sql: a write's first pipeline takes its xid with it.
        if s.startswith("SELECT pg_current_xact_id(), "):
            stmts[norm(s)] = "store_xid_sql"
    return stmts, tx


def norm(sql):
    """$n of the store and :name of pgbench alike ("::type" is a cast);
    whitespace collapsed."""
    sql = re.sub(r"\$\d+|(?<!:):[A-Za-z_]\w*", "?", sql)
    return " ".join(sql.split())


def script_sql(path):
    """The statements of a pgbench script, meta-commands and comments out."""
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f.read().split("\n")
                 if not l.startswith("--") and not l.startswith("\\")]
    out = []
    for stmt in re.split(r";\s*\n|\\gset\s*\n", "\n".join(lines)):
        s = norm(stmt.rstrip().rstrip(";"))
        if s:
            out.append(s)
    return out


def nearest(sql, stmts):
    """Which store statement sql is closest to, and where they part."""
    def match(t):
        """A matcher of sql against t."""
        return difflib.SequenceMatcher(None, sql, t, autojunk=False)

    # quick_ratio (same characters) picks the candidates, ratio decides.
    few = sorted(stmts, key=lambda t: match(t).quick_ratio())[-8:]
    best = max(few, key=lambda t: match(t).ratio())
    at = len(os.path.commonprefix([sql, best]))
    lo = max(0, at - 20)
    return ("sql check:   nearest is %s; from character %d the script has "
            "%r, the store %r" % (stmts[best], at, sql[lo:at + 30],
                                  best[lo:at + 30]))


def main(argv):
    """Compare, print, and exit 0, 1 or 2."""
    root = argv[1] if len(argv) > 1 else \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    stmts, tx = store_sql(root)
    scripts = sorted(glob.glob(os.path.join(root, "bench/*.sql")))
    if not stmts or not tx or not scripts:
        print("sql check: ERROR: found %d store statements, %d BEGIN/COMMIT "
              "strings in %s/server/db and %d scripts in bench/; nothing to "
              "compare" % (len(stmts), len(tx), root, len(scripts)))
        return 2
    bad = 0
    for path in scripts:
        f = os.path.relpath(path, root)
        for s in script_sql(path):
            if s.startswith("BEGIN") or s == "COMMIT":
                if s not in tx:
                    bad += 1
                    print("sql check: WARNING: %s begins or ends its "
                          "transaction with %r, the store no longer does"
                          % (f, s))
            elif s not in stmts:
                bad += 1
                print("sql check: WARNING: %s has a statement the store no "
                      "longer runs: %s..." % (f, s[:60]))
                print(nearest(s, stmts))
    if bad:
        print("sql check: update bench/*.sql (see the warnings above)")
        return 1
    print("sql check: every statement in bench/*.sql is the store's")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
