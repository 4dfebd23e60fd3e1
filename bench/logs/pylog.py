"""A small inventory service that logs through Python's logging module from
known call sites with varying parameters. bench/logs build runs it:

    python3 pylog.py SEED LINES LOGFILE LABELFILE

Each line of LOGFILE gets its call site's name in LABELFILE (a traceback's
lines all get the call site that logged it)."""

import io
import logging
import random
import sys

seed, want, log_path, label_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rnd = random.Random(seed)
buf = io.StringIO()
handler = logging.StreamHandler(buf)
handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
root = logging.getLogger()
root.addHandler(handler)
root.setLevel(logging.DEBUG)
inv = logging.getLogger("inventory.sync")
api = logging.getLogger("inventory.api")
db = logging.getLogger("inventory.db")

names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace"]
skus = ["WIDGET", "GADGET", "SPROCKET", "FLANGE"]


def ip():
    return "192.168.%d.%d" % (rnd.randrange(256), rnd.randrange(1, 255))


def reserve_failed():
    try:
        stock = {"WIDGET": 3}
        stock[rnd.choice(skus[1:])] -= 1
    except KeyError:
        inv.exception("reserve failed for order %d", rnd.randrange(10**6))


def parse_failed():
    try:
        int(rnd.choice(["abc", "12x", "", "NaN"]))
    except ValueError:
        api.exception("bad quantity in request from %s", ip())


sites = [
    ("synced", 12, lambda: inv.info("synced %d items from warehouse %s in %.3fs", rnd.randrange(5000), rnd.choice(["north", "south", "east"]), rnd.random() * 4)),
    ("stock level", 10, lambda: inv.debug("stock level for %s-%d is %d", rnd.choice(skus), rnd.randrange(1000), rnd.randrange(200))),
    ("request", 15, lambda: api.info('%s - "%s /items/%d HTTP/1.1" %d', ip(), rnd.choice(["GET", "PUT"]), rnd.randrange(10**5), rnd.choice([200, 304, 404]))),
    ("slow query", 4, lambda: db.warning("query on %s took %d ms (threshold 200 ms)", rnd.choice(["items", "orders", "stock"]), 200 + rnd.randrange(5000))),
    ("pool exhausted", 2, lambda: db.error("connection pool exhausted: %d/%d in use, %d waiting", 20, 20, rnd.randrange(50))),
    ("user login", 6, lambda: api.info("user %s logged in (session %s)", rnd.choice(names), "%032x" % rnd.getrandbits(128))),
    ("reserve failed", 2, reserve_failed),
    ("bad quantity", 2, parse_failed),
    ("retrying", 4, lambda: inv.warning("retrying upload of batch %d (attempt %d of 3)", rnd.randrange(10**4), rnd.randrange(1, 4))),
]
weights = [w for _, w, _ in sites]
labels = []
while len(labels) < want:
    name, _, call = rnd.choices(sites, weights)[0]
    before = buf.getvalue().count("\n")
    call()
    labels += [name] * (buf.getvalue().count("\n") - before)
with open(log_path, "w") as f:
    f.write(buf.getvalue())
with open(label_path, "w") as f:
    f.write("\n".join(labels) + "\n")
