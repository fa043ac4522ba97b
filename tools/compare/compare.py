#!/usr/bin/python3
"""Peer side of the fastroad agreement + speed comparison (see README.md).

Run with Debian's /usr/bin/python3 (python3-osmnx, python3-pyproj, python3-psycopg2,
python3-yaml). run.sh calls the subcommands in this order:

  mapconfig  PROFILE OUT.xml            osm2pgrouting mapconfig from the profile's speeds
  points     REGIONDIR N SEED           pick N origins + N destinations (largest SCC)
  osmnx      REGIONDIR                  OSMnx/networkx matrix  -> osmnx.csv
  pgrouting  REGIONDIR                  pgRouting matrix       -> pgrouting.csv
  compare    REGIONDIR                  tables + acceptance check -> result.md

REGIONDIR is tools/compare/work/<region>; it holds region.osm (XML), profile.yaml (a
copy of the profile), O.csv, D.csv, the matrices and timings.tsv. The PostgreSQL
connection comes from the environment (PGHOST = socket dir, PGPORT, PGDATABASE,
PGUSER), as set by run.sh.
"""

import csv
import math
import os
import pickle
import random
import statistics
import sys
import time

# Acceptance goals of the project (fastroad vs each peer).
GOAL_MEDIAN = 0.001  # 0.1 %
GOAL_P99 = 0.01  # 1 %
# The two peers implement the same contract independently; if they disagree by more
# than this the harness itself (import, costs, oneway) is wrong.
PEER_TOLERANCE = 1e-6


# --------------------------------------------------------------------------- helpers


def load_speeds(profile_path):
    import yaml

    with open(profile_path) as f:
        prof = yaml.safe_load(f)
    speeds = {str(k): float(v) for k, v in prof["speeds"].items()}
    if prof.get("use_maxspeed"):
        sys.exit("compare.py: profile has use_maxspeed: true; the peers are set up for class speeds only")
    return speeds


def record_timing(rdir, key, seconds, note=""):
    """Append one timing to timings.tsv (replacing an older value of the same key)."""
    path = os.path.join(rdir, "timings.tsv")
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            rows = [r for r in csv.reader(f, delimiter="\t") if r and r[0] != key]
    rows.append([key, "%.6f" % seconds, note])
    with open(path, "w", newline="") as f:
        csv.writer(f, delimiter="\t").writerows(rows)
    print("  timing %-28s %10.3f s  %s" % (key, seconds, note))


def read_points(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write_matrix(path, origins, dests, cost):
    """cost: dict (from_id, to_id) -> seconds or None. Full precision, input order."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["from", "to", "seconds"])
        for o in origins:
            for d in dests:
                v = cost.get((o["id"], d["id"]))
                w.writerow([o["id"], d["id"], "" if v is None else repr(v)])


def read_matrix(path):
    out = {}
    order = []
    with open(path, newline="") as f:
        r = csv.DictReader(f)
        if r.fieldnames[:3] != ["from", "to", "seconds"]:
            sys.exit("%s: header is %s, want from,to,seconds" % (path, ",".join(r.fieldnames)))
        for row in r:
            key = (row["from"], row["to"])
            s = row["seconds"].strip()
            out[key] = float(s) if s != "" else None
            order.append(key)
    return out, order


# --------------------------------------------------------------------------- mapconfig


def cmd_mapconfig(profile, out):
    speeds = load_speeds(profile)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<configuration>", '  <tag_name name="highway" id="1">']
    for i, (cls, kmh) in enumerate(speeds.items()):
        lines.append(
            '    <tag_value name="%s" id="%d" priority="1.0" maxspeed="%s" />' % (cls, 101 + i, repr(kmh))
        )
    lines += ["  </tag_name>", "</configuration>", ""]
    with open(out, "w") as f:
        f.write("\n".join(lines))


# --------------------------------------------------------------------------- OSMnx graph


def osmnx_graph(rdir):
    """The OSMnx graph of region.osm with ellipsoidal lengths and class travel times.

    Cached as a pickle next to region.osm (rebuilt when region.osm or the profile is newer).
    """
    import networkx as nx  # noqa: F401  (pickle needs it importable)
    import osmnx as ox
    from pyproj import Geod

    osm = os.path.join(rdir, "region.osm")
    prof = os.path.join(rdir, "profile.yaml")
    cache = os.path.join(rdir, "osmnx.pickle")
    if os.path.exists(cache) and os.path.getmtime(cache) > max(os.path.getmtime(osm), os.path.getmtime(prof)):
        with open(cache, "rb") as f:
            return pickle.load(f)

    speeds = load_speeds(prof)
    t0 = time.perf_counter()
    # simplify=False: one edge per OSM segment, every OSM node is a graph node.
    # retain_all=True: keep every component (the points are taken from the largest SCC).
    G = ox.graph_from_xml(osm, simplify=False, retain_all=True)
    geod = Geod(ellps="WGS84")
    dropped = 0
    for u, v, k, data in list(G.edges(keys=True, data=True)):
        hw = data.get("highway")
        if hw not in speeds:  # the prepared files hold profile classes only
            G.remove_edge(u, v, k)
            dropped += 1
            continue
        # OSMnx 1.2.3 sets 'length' to the great-circle (haversine, R=6371009 m)
        # distance. The contract is the WGS-84 ellipsoid: recompute with pyproj.
        _, _, dist = geod.inv(G.nodes[u]["x"], G.nodes[u]["y"], G.nodes[v]["x"], G.nodes[v]["y"])
        data["length_sphere"] = data["length"]
        data["length"] = dist
        data["travel_time"] = dist / (speeds[hw] / 3.6)
    record_timing(rdir, "osmnx_graph_build", time.perf_counter() - t0,
                  "graph_from_xml + ellipsoidal lengths, %d nodes %d edges" % (len(G), len(G.edges)))
    if dropped:
        print("  osmnx: dropped %d edges of classes not in the profile" % dropped)
    with open(cache, "wb") as f:
        pickle.dump(G, f, protocol=pickle.HIGHEST_PROTOCOL)
    return G


# --------------------------------------------------------------------------- points


def pg_connect():
    import psycopg2

    return psycopg2.connect("")  # libpq reads PGHOST, PGPORT, PGDATABASE, PGUSER


def cmd_points(rdir, n, seed):
    import networkx as nx

    G = osmnx_graph(rdir)
    scc = max(nx.strongly_connected_components(G), key=len)
    # Restrict to nodes that are also pgRouting vertices (osm2pgrouting only makes
    # vertices of way ends and shared nodes), so both peers route between the same points.
    with pg_connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT osm_id FROM ways_vertices_pgr")
        pgr = {r[0] for r in cur.fetchall()}
    cand = sorted(scc & pgr)
    print("  points: largest SCC %d of %d nodes; %d of them are pgRouting vertices" % (len(scc), len(G), len(cand)))
    if len(cand) < 2 * n:
        sys.exit("compare.py: only %d candidate nodes, need %d" % (len(cand), 2 * n))
    chosen = random.Random(seed).sample(cand, 2 * n)  # distinct: no origin is a destination
    for name, nodes, prefix in (("O.csv", chosen[:n], "o"), ("D.csv", chosen[n:], "d")):
        with open(os.path.join(rdir, name), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "lon", "lat", "osm_node_id"])
            for i, nid in enumerate(nodes, 1):
                # repr() of the parsed float gives back the file's own 7-decimal text,
                # so the point lies exactly on the OSM node.
                w.writerow(["%s%d" % (prefix, i), repr(G.nodes[nid]["x"]), repr(G.nodes[nid]["y"]), nid])
    print("  points: wrote %d origins and %d destinations (seed %d)" % (n, n, seed))


# --------------------------------------------------------------------------- OSMnx matrix


def cmd_osmnx(rdir):
    import networkx as nx

    G = osmnx_graph(rdir)
    O = read_points(os.path.join(rdir, "O.csv"))
    D = read_points(os.path.join(rdir, "D.csv"))
    t0 = time.perf_counter()
    cost = {}
    for o in O:
        dist = nx.single_source_dijkstra_path_length(G, int(o["osm_node_id"]), weight="travel_time")
        for d in D:
            cost[(o["id"], d["id"])] = dist.get(int(d["osm_node_id"]))
    dt = time.perf_counter() - t0
    record_timing(rdir, "osmnx_matrix", dt, "%dx%d, networkx single_source_dijkstra_path_length per origin" % (len(O), len(D)))
    write_matrix(os.path.join(rdir, "osmnx.csv"), O, D, cost)


# --------------------------------------------------------------------------- pgRouting matrix

EDGES_SQL = "SELECT id, source, target, cost, reverse_cost FROM od_edges"
DIAGNOSTIC_EDGES = {
    # Spherical (haversine-like, PostGIS mean radius) lengths instead of the ellipsoid.
    "sphere": "SELECT id, source, target,"
              " CASE WHEN cost < 0 THEN -1 ELSE len_sphere_m / (kmh / 3.6) END AS cost,"
              " CASE WHEN reverse_cost < 0 THEN -1 ELSE len_sphere_m / (kmh / 3.6) END AS reverse_cost"
              " FROM od_edges",
    # osm2pgrouting's own cost_s / reverse_cost_s, with its -0.0 for closed zero-length directions.
    "o2pcost": "SELECT gid AS id, source, target, cost_s AS cost, reverse_cost_s AS reverse_cost FROM ways",
}


def cmd_pgrouting(rdir, repeats=3):
    O = read_points(os.path.join(rdir, "O.csv"))
    D = read_points(os.path.join(rdir, "D.csv"))
    with pg_connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT osm_id, id FROM ways_vertices_pgr WHERE osm_id = ANY(%s)",
                    ([int(p["osm_node_id"]) for p in O + D],))
        vid = dict(cur.fetchall())
        ovids = [vid[int(o["osm_node_id"])] for o in O]
        dvids = [vid[int(d["osm_node_id"])] for d in D]
        q = ("SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(%s, %s::bigint[], %s::bigint[], directed := true)")
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            cur.execute(q, (EDGES_SQL, ovids, dvids))
            rows = cur.fetchall()
            times.append(time.perf_counter() - t0)
        # pgr_dijkstraCost reads the edges with EDGES_SQL and builds its graph on every
        # call; a 1x1 call measures that fixed part.
        one = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            cur.execute(q, (EDGES_SQL, ovids[:1], dvids[:1]))
            cur.fetchall()
            one.append(time.perf_counter() - t0)
        # Diagnostics (not timed): what two known pitfalls would do to the same matrix.
        diag = {}
        for name, sql in DIAGNOSTIC_EDGES.items():
            cur.execute(q, (sql, ovids, dvids))
            diag[name] = {(s, e): c for s, e, c in cur.fetchall()}
    record_timing(rdir, "pgrouting_query", statistics.median(times),
                  "%dx%d pgr_dijkstraCost, median of %d: %s" % (len(O), len(D), repeats, " ".join("%.3f" % t for t in times)))
    record_timing(rdir, "pgrouting_query_1x1", statistics.median(one),
                  "1x1 call = graph build from SQL, median of %d" % repeats)
    got = {(s, e): c for s, e, c in rows}
    cost = {}
    for o, ov in zip(O, ovids):
        for d, dv in zip(D, dvids):
            cost[(o["id"], d["id"])] = got.get((ov, dv))
    write_matrix(os.path.join(rdir, "pgrouting.csv"), O, D, cost)
    for name, got in diag.items():
        cost = {}
        for o, ov in zip(O, ovids):
            for d, dv in zip(D, dvids):
                cost[(o["id"], d["id"])] = got.get((ov, dv))
        write_matrix(os.path.join(rdir, "pgrouting-%s.csv" % name), O, D, cost)


# --------------------------------------------------------------------------- compare


def pct(x):
    """A relative difference as a percentage, 3 significant digits."""
    return "%.3g%%" % (100 * x)


def percentile(sorted_vals, q):
    """Linear-interpolated percentile (numpy's default) of an ascending list."""
    if not sorted_vals:
        return float("nan")
    pos = (len(sorted_vals) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_vals) - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (pos - lo)


def diff_stats(a, b, keys):
    """Relative difference |a-b|/b over the pairs both reach; b is the reference."""
    rel, worst, mism, abs_max = [], [], [], 0.0
    for k in keys:
        x, y = a.get(k), b.get(k)
        if (x is None) != (y is None):
            mism.append(k)
            continue
        if x is None:
            continue
        r = abs(x - y) / y if y > 0 else (0.0 if x == y else float("inf"))
        rel.append(r)
        abs_max = max(abs_max, abs(x - y))
        worst.append((r, k, x, y))
    rel.sort()
    worst.sort(key=lambda t: -t[0])
    return {
        "pairs": len(keys),
        "both": len(rel),
        "mismatch": mism,
        "median": statistics.median(rel) if rel else float("nan"),
        "p99": percentile(rel, 0.99),
        "max": rel[-1] if rel else float("nan"),
        "abs_max": abs_max,
        "worst": worst[:5],
        "signed_mean": statistics.mean([(x - y) / y for _, _, x, y in worst if y > 0]) if worst else float("nan"),
    }


def ways_of_nodes(osm_path, node_ids):
    """{node id: [tag dict of each way using it]} for a few nodes, from the OSM XML."""
    import xml.etree.ElementTree as ET

    want = {str(n) for n in node_ids}
    found = {n: [] for n in want}
    for _, el in ET.iterparse(osm_path, events=("end",)):
        if el.tag == "way":
            refs = {nd.get("ref") for nd in el.iter("nd")}
            hit = refs & want
            if hit:
                tags = {t.get("k"): t.get("v") for t in el.iter("tag")}
                tags["@way"] = el.get("id")
                for n in hit:
                    found[n].append(tags)
            el.clear()
        elif el.tag == "node":
            el.clear()
    return found


def point_diagnostics(rdir, O, D, a, b, thresh=0.1, share=0.9):
    """Points whose every pair differs: a point-level cause (snapping, point's road)."""
    flagged = []
    for role, pts, pairs_of in (("origin", O, lambda p: [(p["id"], d["id"]) for d in D]),
                                ("destination", D, lambda p: [(o["id"], p["id"]) for o in O])):
        for p in pts:
            diffs = [a[k] - b[k] for k in pairs_of(p) if a.get(k) is not None and b.get(k) is not None]
            off = [d for d in diffs if abs(d) > thresh]
            if diffs and len(off) >= share * len(diffs):
                flagged.append((role, p, len(off), len(diffs), statistics.median(diffs)))
    if not flagged:
        return ["No point has all its pairs off by more than %.1f s (no point-level difference)." % thresh, ""]
    ways = ways_of_nodes(os.path.join(rdir, "region.osm"), [f[1]["osm_node_id"] for f in flagged[:20]])
    out = ["Points with (nearly) every pair off by more than %.1f s, fastroad vs pgRouting "
           "(a point-level difference such as snapping; tags of the ways through the node):" % thresh, "",
           "| point | role | osm node | pairs off | median fastroad - pgRouting (s) | ways through the node |",
           "|---|---|---:|---:|---:|---|"]
    for role, p, noff, n, med in flagged[:20]:
        desc = "; ".join("w%s %s" % (t.pop("@way"), ",".join("%s=%s" % kv for kv in sorted(t.items()) if kv[0] != "name"))
                         for t in ways.get(p["osm_node_id"], []))
        out.append("| %s | %s | %s | %d/%d | %+.1f | %s |" % (p["id"], role, p["osm_node_id"], noff, n, med, desc))
    out.append("")
    return out


def cmd_compare(rdir, region):
    O = read_points(os.path.join(rdir, "O.csv"))
    D = read_points(os.path.join(rdir, "D.csv"))
    osm_of = {p["id"]: p["osm_node_id"] for p in O + D}
    keys = [(o["id"], d["id"]) for o in O for d in D]

    mats = {}
    problems = []
    for name, fn in (("pgRouting", "pgrouting.csv"), ("OSMnx", "osmnx.csv"), ("fastroad", "fastroad.csv")):
        path = os.path.join(rdir, fn)
        if not os.path.exists(path):
            continue
        m, order = read_matrix(path)
        if order != keys:
            problems.append("%s: rows are not the %d pairs in input order (%d rows)" % (fn, len(keys), len(order)))
        mats[name] = m
    if "fastroad" not in mats:
        problems.append("fastroad.csv missing: fastroad was not run")

    # Baseline: what rounding to 0.1 s alone does (fastroad prints one decimal).
    rounded = {k: (None if v is None else round(v, 1)) for k, v in mats["pgRouting"].items()}

    comps = []
    if "fastroad" in mats:
        comps += [("fastroad vs pgRouting", mats["fastroad"], mats["pgRouting"]),
                  ("fastroad vs OSMnx", mats["fastroad"], mats["OSMnx"])]
    comps += [("pgRouting vs OSMnx", mats["pgRouting"], mats["OSMnx"])]
    # Reference rows: not checked, they show the size of known effects.
    refs = [("pgRouting rounded to 0.1 s vs pgRouting (rounding floor of fastroad's output)", rounded, mats["pgRouting"])]
    for tag, label in (("sphere", "pgRouting with spherical lengths vs pgRouting (haversine instead of ellipsoid)"),
                       ("o2pcost", "pgRouting on osm2pgrouting's cost_s/reverse_cost_s vs pgRouting (-0.0 pitfall)")):
        path = os.path.join(rdir, "pgrouting-%s.csv" % tag)
        if os.path.exists(path):
            refs.append((label, read_matrix(path)[0], mats["pgRouting"]))
    nchecked = len(comps)
    comps += refs
    stats = [(name, diff_stats(a, b, keys)) for name, a, b in comps]

    reach = sum(1 for k in keys if mats["pgRouting"].get(k) is not None)
    secs = sorted(v for v in mats["pgRouting"].values() if v is not None)
    out = []
    out.append("### Agreement with independent routers: %s, %dx%d OD pairs" % (region, len(O), len(D)))
    out.append("")
    out.append("Points: a fixed-seed sample of nodes of the largest strongly connected component, given by "
               "their exact coordinates. Relative difference = |a - b| / b, b = the second router. "
               "pgRouting trip times: median %.0f s, min %.0f s, max %.0f s; %d of %d pairs reachable."
               % (statistics.median(secs) if secs else 0, secs[0] if secs else 0, secs[-1] if secs else 0, reach, len(keys)))
    note = os.path.join(rdir, "fastroad-profile.note")
    if os.path.exists(note):
        with open(note) as f:
            out.append("fastroad ran with `--profile %s`; the peers use the class speeds of the test profile." % f.read().strip())
    out.append("")
    out.append("| comparison | pairs | both reached | unreachable mismatches | median rel. diff | p99 | max | max abs. diff (s) |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for i, (name, s) in enumerate(stats):
        if i == nchecked:
            out.append("| *reference rows, not checked:* | | | | | | | |")
        out.append("| %s | %d | %d | %d | %s | %s | %s | %.3f |" % (
            name, s["pairs"], s["both"], len(s["mismatch"]), pct(s["median"]), pct(s["p99"]), pct(s["max"]), s["abs_max"]))
    out.append("")

    timings = {}
    tpath = os.path.join(rdir, "timings.tsv")
    if os.path.exists(tpath):
        with open(tpath) as f:
            for r in csv.reader(f, delimiter="\t"):
                if r:
                    timings[r[0]] = (float(r[1]), r[2] if len(r) > 2 else "")
    labels = [
        ("fastroad_build", "fastroad", "`fastroad build` (OSM -> region.graph), wall clock"),
        ("fastroad_matrix_prebuilt", "fastroad", "`fastroad matrix --graph region.graph`, wall clock (process incl. graph load)"),
        ("fastroad_matrix_prebuilt_load", "fastroad", "  of which graph load, reported by `--timing`"),
        ("fastroad_matrix_prebuilt_snap", "fastroad", "  of which snapping, reported by `--timing`"),
        ("fastroad_matrix_prebuilt_matrix", "fastroad", "  of which matrix, reported by `--timing` (compare with pgRouting's query)"),
        ("fastroad_matrix_prebuilt_matrix_1core", "fastroad", "  matrix on one core (GOMAXPROCS=1), reported by `--timing`"),
        ("fastroad_matrix_pbf", "fastroad", "`fastroad matrix --graph region.osm.pbf`, wall clock (parse + build + matrix)"),
        ("pgrouting_query", "pgRouting", "pgr_dijkstraCost many-to-many, one query, wall clock from the client"),
        ("pgrouting_query_1x1", "pgRouting", "  of which graph build from SQL (a 1x1 call)"),
        ("pgrouting_import", "pgRouting", "osm2pgrouting import + cost SQL (not comparable, for information)"),
        ("osmnx_matrix", "OSMnx", "networkx Dijkstra, one per origin"),
        ("osmnx_graph_build", "OSMnx", "graph_from_xml + ellipsoidal lengths (for information)"),
    ]
    out.append("| router | what is timed (%dx%d, same machine, same run) | seconds |" % (len(O), len(D)))
    out.append("|---|---|---:|")
    for key, router, what in labels:
        if key in timings:
            out.append("| %s | %s | %.3f |" % (router, what, timings[key][0]))
    out.append("")

    for name, s in stats[:nchecked]:
        out.append("Worst pairs, %s (signed mean of (a-b)/b: %+.3e):" % (name, s["signed_mean"]))
        out.append("")
        out.append("| from | to | from osm node | to osm node | a (s) | b (s) | rel. diff |")
        out.append("|---|---|---:|---:|---:|---:|---:|")
        for r, (f, t), x, y in s["worst"]:
            out.append("| %s | %s | %s | %s | %.3f | %.3f | %s |" % (f, t, osm_of[f], osm_of[t], x, y, pct(r)))
        if s["mismatch"]:
            out.append("")
            out.append("Unreachable mismatches: " + ", ".join("%s->%s" % k for k in s["mismatch"][:20]))
        out.append("")

    if "fastroad" in mats:
        out += point_diagnostics(rdir, O, D, mats["fastroad"], mats["pgRouting"])

    # Acceptance.
    verdict = []
    for name, s in stats:
        if name.startswith("fastroad"):
            if not (s["median"] < GOAL_MEDIAN):
                verdict.append("%s: median %s >= 0.1%%" % (name, pct(s["median"])))
            if not (s["p99"] < GOAL_P99):
                verdict.append("%s: p99 %s >= 1%%" % (name, pct(s["p99"])))
            if s["mismatch"]:
                verdict.append("%s: %d unreachable mismatches" % (name, len(s["mismatch"])))
        elif name == "pgRouting vs OSMnx":
            if not (s["max"] <= PEER_TOLERANCE) or s["mismatch"]:
                verdict.append("peers disagree (max %s, %d mismatches): the harness is wrong, not fastroad"
                               % (pct(s["max"]), len(s["mismatch"])))
    verdict += problems
    out.append("Goals: median < 0.1 %%, p99 < 1 %% for fastroad against each peer. Result: %s"
               % ("**PASS**" if not verdict else "**FAIL** (" + "; ".join(verdict) + ")"))
    out.append("")
    text = "\n".join(out)
    print(text)
    with open(os.path.join(rdir, "result.md"), "w") as f:
        f.write(text)
    return 1 if verdict else 0


# --------------------------------------------------------------------------- main


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd == "mapconfig":
        cmd_mapconfig(argv[2], argv[3])
    elif cmd == "points":
        cmd_points(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == "osmnx":
        cmd_osmnx(argv[2])
    elif cmd == "pgrouting":
        cmd_pgrouting(argv[2])
    elif cmd == "compare":
        return cmd_compare(argv[2], argv[3] if len(argv) > 3 else os.path.basename(argv[2].rstrip("/")))
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
