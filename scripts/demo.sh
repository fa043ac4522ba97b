#!/usr/bin/env bash
# The demo study on the built-in Delaware extract (© OpenStreetMap contributors, ODbL).
# Usage: scripts/demo.sh BIN OUTDIR
set -euo pipefail
bin=${1:-bin/fastroad}
out=${2:-demo-out}
mkdir -p "$out"
echo "== building the Delaware graph"
"$bin" build testdata/delaware-latest.osm.pbf -o "$out/delaware.graph"
echo "== travel times from the county seats to the HSR station (Wilmington)"
"$bin" matrix --graph "$out/delaware.graph" --from demo/towns.csv --to demo/hsr.csv -o "$out/towns-to-hsr.csv"
"$bin" matrix --graph "$out/delaware.graph" --from demo/hsr.csv --to demo/towns.csv -o "$out/hsr-to-towns.csv"
"$bin" matrix --graph "$out/delaware.graph" --from demo/towns.csv --to demo/towns.csv -o "$out/towns-to-towns.csv"
echo
echo "minutes from each county seat to the HSR station:"
awk -F, 'NR>1 { if ($3=="") m="unreachable"; else m=sprintf("%.1f min", $3/60); printf "  %-12s -> %-20s %s\n", $1, $2, m }' "$out/towns-to-hsr.csv"
echo
echo "wrote $out/ (map data © OpenStreetMap contributors, ODbL)"
