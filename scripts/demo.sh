#!/usr/bin/env bash
# The demo study on the built-in Delaware extract (© OpenStreetMap contributors, ODbL).
# Usage: scripts/demo.sh BIN OUTDIR
set -euo pipefail
bin=${1:-bin/fastroad}
out=${2:-demo-out}
mkdir -p "$out"
extract=testdata/delaware-latest.osm.pbf
cp "$extract" "$out/" # the graph file names its extract; places are read from it

echo "== 1. build the Delaware graph"
"$bin" build "$out/delaware-latest.osm.pbf" -o "$out/delaware.graph" --ch

echo "== 2. places: county towns, HSR station (named in demo/places.yaml), expressway entrances"
"$bin" places --graph "$out/delaware.graph" --places demo/places.yaml --min-expressway-km 4 -o "$out/places.csv"

echo "== 3. access: each town to the HSR station, the expressway and a trunk road"
"$bin" access --graph "$out/delaware.graph" --places demo/places.yaml --min-expressway-km 4 -o "$out/access.csv" --json "$out/access.json"

echo "== 4. isochrones to the HSR station and to the nearest expressway entrance"
"$bin" isochrone --graph "$out/delaware.graph" --places demo/places.yaml --min-expressway-km 4 --to hsr_station \
    -o "$out/to-hsr.geojson" --png "$out/to-hsr.png" --grid "$out/to-hsr.tif"
"$bin" isochrone --graph "$out/delaware.graph" --places demo/places.yaml --min-expressway-km 4 --to expressway_entrance \
    -o "$out/to-entrance.geojson" --png "$out/to-entrance.png"

echo "== 5. population: residents per 250 m cell (2020 census county totals spread over the extract's settlements)"
"$bin" population --study demo/study.yaml -o "$out/population.tif" --png "$out/population.png" --csv "$out/population-by-area.csv"

echo "== 6. OD matrix: county seats to the HSR station"
"$bin" matrix --graph "$out/delaware.graph" --from demo/towns.csv --to demo/hsr.csv -o "$out/towns-to-hsr.csv"

echo "== 7. the study: base and five fast-road alternatives (report.html in English and report.zh.html in Chinese)"
"$bin" check demo/study.yaml > "$out/check.txt"
"$bin" compare demo/study.yaml -o "$out/study"

echo
echo "minutes from each town today:"
awk -F, 'NR==1 { for (i=1;i<=NF;i++) c[$i]=i; next }
    { printf "  %-16s to HSR %6s   to an expressway entrance %6s\n", $c["town"], ($c["minutes_to_hsr"]==""?"-":$c["minutes_to_hsr"]), ($c["minutes_to_entrance"]==""?"-":$c["minutes_to_entrance"]) }' "$out/access.csv"
echo
echo "what the alternatives change (from $out/study/report.md):"
sed -n '/^## What changes/,/^## Towns today/p' "$out/study/report.md" | grep -E '^(###|- [A-Z][a-z]+.*min)' | sed 's/^/  /'
echo
echo "wrote $out/ — start with $out/study/report.html (English; report.zh.html in Chinese; report.md as text)"
echo "hand-off: $out/study/results.gpkg (QGIS), $out/study/results.xlsx (Excel/WPS); map data © OpenStreetMap contributors, ODbL"
