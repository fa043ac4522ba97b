#!/usr/bin/env bash
# Agreement + speed comparison of fastroad against pgRouting and OSMnx.
# Usage: tools/compare/run.sh [REGION]      REGION = delaware (default) | milan | monaco
# Environment: COMPARE_N (points per side, 60), COMPARE_SEED (20240601),
#              COMPARE_KEEP_DB=1 (leave the private PostgreSQL running at exit),
#              COMPARE_PEERS_ONLY=1 (skip fastroad; exit 0 when the peers agree).
# See tools/compare/README.md.
set -euo pipefail

REGION=${1:-delaware}
N=${COMPARE_N:-60}
SEED=${COMPARE_SEED:-20240601}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PBF=$ROOT/testdata/prepared/$REGION.car.osm.pbf
PROFILE=$ROOT/testdata/prepared/car-test-profile.yaml
WORK=$HERE/work
RDIR=$WORK/$REGION
PY=/usr/bin/python3                     # Debian's python: python3-osmnx lives there
PGBIN=/usr/lib/postgresql/15/bin
PGSOCK=$WORK/pgsock
PGDATA_DIR=$WORK/pgdata
PG_PORT=${COMPARE_PGPORT:-55432}

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
log() { printf '\n== %s\n' "$*"; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 2; }

[[ -f $PBF ]] || die "no prepared extract $PBF"
mkdir -p "$RDIR"

# ----------------------------------------------------------------- 0. dependencies
need_install=()
[[ -x $PGBIN/postgres ]]                                   || need_install+=(postgresql-15)
[[ -f /usr/lib/postgresql/15/lib/libpgrouting-3.4.so ]] || ls /usr/lib/postgresql/15/lib/libpgrouting-*.so >/dev/null 2>&1 \
                                                           || need_install+=(postgresql-15-pgrouting)
command -v osm2pgrouting >/dev/null                        || need_install+=(osm2pgrouting)
command -v osmium >/dev/null                               || need_install+=(osmium-tool)
for mod in osmnx:python3-osmnx pyproj:python3-pyproj psycopg2:python3-psycopg2 yaml:python3-yaml; do
    [[ -x $PY ]] && $PY -c "import ${mod%%:*}" 2>/dev/null || need_install+=("${mod#*:}")
done
if ((${#need_install[@]})); then
    log "installing ${need_install[*]}"
    [[ $EUID -eq 0 ]] || die "missing ${need_install[*]}; run as root or apt-get install them"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_install[@]}"
fi
echo "osm2pgrouting: $(osm2pgrouting --version 2>&1 | head -1)"
echo "OSMnx: $($PY -c 'import osmnx; print(osmnx.__version__)')"

# ----------------------------------------------------------------- 1. private PostgreSQL
# A cluster of our own under work/, on a unix socket only (no TCP), trust auth.
as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [[ ! -f $PGDATA_DIR/PG_VERSION ]]; then
    log "initdb $PGDATA_DIR"
    mkdir -p "$PGDATA_DIR"
    [[ $EUID -eq 0 ]] && chown postgres: "$PGDATA_DIR"
    as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust --no-locale -E UTF8 >/dev/null
fi
mkdir -p "$PGSOCK"
[[ $EUID -eq 0 ]] && chown postgres: "$PGSOCK"
export PGHOST=$PGSOCK PGPORT=$PG_PORT PGUSER=postgres
started_pg=0
if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    log "starting PostgreSQL (socket $PGSOCK, port $PG_PORT)"
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -w -l "$PGSOCK/postgres.log" \
        -o "-c listen_addresses='' -k $PGSOCK -p $PG_PORT -c shared_buffers=512MB -c work_mem=256MB" start >/dev/null
    started_pg=1
fi
stop_pg() {
    if [[ $started_pg == 1 && ${COMPARE_KEEP_DB:-0} != 1 ]]; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null || true
    fi
}
trap stop_pg EXIT

# ----------------------------------------------------------------- 2. inputs for the peers
cp "$PROFILE" "$RDIR/profile.yaml.new"
cmp -s "$RDIR/profile.yaml.new" "$RDIR/profile.yaml" 2>/dev/null && rm "$RDIR/profile.yaml.new" \
    || mv "$RDIR/profile.yaml.new" "$RDIR/profile.yaml"
if [[ ! -s $RDIR/region.osm || $PBF -nt $RDIR/region.osm ]]; then
    log "osmium cat -> region.osm"
    osmium cat --overwrite "$PBF" -o "$RDIR/region.osm" -f osm
fi
$PY "$HERE/compare.py" mapconfig "$RDIR/profile.yaml" "$RDIR/mapconfig.xml"

# ----------------------------------------------------------------- 3. osm2pgrouting import
export PGDATABASE=fastroad_cmp_$REGION
stamp=$(cat "$PBF" "$RDIR/mapconfig.xml" "$HERE/edges.sql" | sha256sum | cut -c1-16)
have=$(psql -XAtqc "SELECT stamp FROM cmp_stamp" 2>/dev/null || true)
if [[ $have != "$stamp" ]]; then
    log "osm2pgrouting import into $PGDATABASE"
    dropdb --if-exists "$PGDATABASE"
    createdb "$PGDATABASE"
    psql -Xq -c "CREATE EXTENSION postgis; CREATE EXTENSION pgrouting;"
    t0=$(date +%s.%N)
    # --chunk larger than the way count: osm2pgrouting drops segments duplicated
    # across its 20,000-way chunks.
    osm2pgrouting -f "$RDIR/region.osm" -c "$RDIR/mapconfig.xml" -d "$PGDATABASE" \
        -U postgres -h "$PGSOCK" -p "$PG_PORT" --chunk 100000000 --clean > "$RDIR/osm2pgrouting.log" 2>&1 \
        || { tail -30 "$RDIR/osm2pgrouting.log"; die "osm2pgrouting failed"; }
    tail -5 "$RDIR/osm2pgrouting.log"
    psql -X -v ON_ERROR_STOP=1 -f "$HERE/edges.sql"
    t1=$(date +%s.%N)
    psql -Xq -c "CREATE TABLE cmp_stamp AS SELECT '$stamp'::text AS stamp"
    printf 'pgrouting_import\t%s\tosm2pgrouting + edges.sql\n' "$(elapsed "$t0" "$t1")" > "$RDIR/import.tsv"
    rm -f "$RDIR/O.csv" "$RDIR/D.csv"      # new network: choose the points again
fi

# ----------------------------------------------------------------- 4. points and peers
rm -f "$RDIR/timings.tsv" "$RDIR/fastroad.csv" "$RDIR/result.md" "$RDIR/fastroad-profile.note"
[[ -f $RDIR/import.tsv ]] && cp "$RDIR/import.tsv" "$RDIR/timings.tsv"
if [[ ! -s $RDIR/O.csv || ! -s $RDIR/D.csv || ! -f $RDIR/points.key || $(cat "$RDIR/points.key") != "$N $SEED" ]]; then
    log "choosing $N x $N points (seed $SEED)"
    $PY "$HERE/compare.py" points "$RDIR" "$N" "$SEED"
    echo "$N $SEED" > "$RDIR/points.key"
fi
log "pgRouting matrix"
$PY "$HERE/compare.py" pgrouting "$RDIR"
log "OSMnx matrix"
$PY "$HERE/compare.py" osmnx "$RDIR"

# ----------------------------------------------------------------- 5. fastroad
timing() {  # timing KEY NOTE CMD... : wall clock of CMD into timings.tsv
    local key=$1 note=$2; shift 2
    local t0 t1; t0=$(date +%s.%N)
    "$@"
    t1=$(date +%s.%N)
    printf '%s\t%s\t%s\n' "$key" "$(elapsed "$t0" "$t1")" "$note" >> "$RDIR/timings.tsv"
    printf '  timing %-28s %10.3f s\n' "$key" "$(elapsed "$t0" "$t1")"
}
peers_only=${COMPARE_PEERS_ONLY:-0}
if [[ $peers_only != 1 ]]; then
    log "building fastroad"
    FR=$WORK/fastroad
    if ! (cd "$ROOT" && go build -o "$FR" ./cmd/fastroad); then
        echo "run.sh: fastroad does not build; comparing the peers only" >&2
        peers_only=1
    fi
fi
if [[ $peers_only != 1 ]]; then
    # The profile fastroad is run with. Default: profiles/test.yaml (the test profile with
    # access tags not modelled, as the contract says). With
    # COMPARE_FASTROAD_PROFILE=contract, the test profile plus the two settings that make
    # fastroad's defaults match the routing contract of testdata/prepared/README.md
    # (access tags not modelled; points may snap to motorways); or a path to any profile.
    FRPROFILE=${COMPARE_FASTROAD_PROFILE:-$ROOT/profiles/test.yaml}
    if [[ $FRPROFILE == contract ]]; then
        FRPROFILE=$RDIR/contract-profile.yaml
        { cat "$PROFILE"; printf '%s\n' '# added by tools/compare/run.sh (COMPARE_FASTROAD_PROFILE=contract)' \
            'access_deny: []' 'controlled_classes: []'; } > "$FRPROFILE"
    fi
    echo "${FRPROFILE#"$ROOT"/}" > "$RDIR/fastroad-profile.note"
    echo "fastroad profile: $FRPROFILE"
    "$FR" matrix --help > "$RDIR/matrix-help.txt" 2>&1 || true
    "$FR" build --help > "$RDIR/build-help.txt" 2>&1 || true
    timing_flag=()
    grep -q -- '--timing' "$RDIR/matrix-help.txt" && timing_flag=(--timing)

    log "fastroad matrix on the .osm.pbf"
    timing fastroad_matrix_pbf "matrix --graph $REGION.car.osm.pbf" \
        "$FR" matrix --graph "$PBF" --profile "$FRPROFILE" \
        --from "$RDIR/O.csv" --to "$RDIR/D.csv" -o "$RDIR/fastroad.csv"

    log "fastroad build"
    rm -f "$RDIR/region.graph"
    timing fastroad_build "fastroad build" \
        "$FR" build "$PBF" --profile "$FRPROFILE" --ch -o "$RDIR/region.graph"

    log "fastroad matrix on the prebuilt graph"
    timing fastroad_matrix_prebuilt "matrix --graph region.graph" \
        "$FR" matrix --graph "$RDIR/region.graph" --profile "$FRPROFILE" \
        --from "$RDIR/O.csv" --to "$RDIR/D.csv" -o "$RDIR/fastroad-prebuilt.csv" \
        "${timing_flag[@]}" 2> "$RDIR/fastroad-timing.txt" || { cat "$RDIR/fastroad-timing.txt" >&2; exit 1; }
    cat "$RDIR/fastroad-timing.txt"
    # --timing prints e.g. "timing: load 0.002s, snap 0.002s, matrix 60x60 0.0067s"
    tline=$(grep '^timing:' "$RDIR/fastroad-timing.txt" | tail -1 || true)
    if [[ -n $tline ]]; then
        for part in load snap matrix; do
            v=$(sed -nE "s/.*$part( [0-9]+x[0-9]+)? ([0-9.]+)(ms|s).*/\2 \3/p" <<<"$tline")
            [[ -n $v ]] || continue
            read -r num unit <<<"$v"
            [[ $unit == ms ]] && num=$(awk -v x="$num" 'BEGIN { printf "%.6f", x / 1000 }')
            printf 'fastroad_matrix_prebuilt_%s\t%s\t--timing\n' "$part" "$num" >> "$RDIR/timings.tsv"
        done
    fi
    # pgRouting and networkx use one core; fastroad spreads origins over GOMAXPROCS.
    log "fastroad matrix on the prebuilt graph, one core (GOMAXPROCS=1)"
    GOMAXPROCS=1 "$FR" matrix --graph "$RDIR/region.graph" --profile "$FRPROFILE" \
        --from "$RDIR/O.csv" --to "$RDIR/D.csv" -o "$RDIR/fastroad-1core.csv" \
        "${timing_flag[@]}" 2> "$RDIR/fastroad-timing-1core.txt"
    cat "$RDIR/fastroad-timing-1core.txt"
    v=$(sed -nE 's/^timing:.*matrix( [0-9]+x[0-9]+)? ([0-9.]+)s.*/\2/p' "$RDIR/fastroad-timing-1core.txt")
    [[ -n $v ]] && printf 'fastroad_matrix_prebuilt_matrix_1core\t%s\t--timing, GOMAXPROCS=1\n' "$v" >> "$RDIR/timings.tsv"
    if ! cmp -s "$RDIR/fastroad.csv" "$RDIR/fastroad-prebuilt.csv"; then
        echo "run.sh: WARNING matrix on region.graph differs from matrix on the .osm.pbf" >&2
    fi
fi

# ----------------------------------------------------------------- 6. compare
log "comparison"
set +e
$PY "$HERE/compare.py" compare "$RDIR" "$REGION"
rc=$?
set -e
tag=default
[[ -n ${COMPARE_FASTROAD_PROFILE:-} ]] && tag=$(basename "${COMPARE_FASTROAD_PROFILE%.yaml}")
[[ $peers_only == 1 ]] && tag=peers
cp "$RDIR/result.md" "$RDIR/result-$tag.md"
cp "$RDIR/result.md" "$WORK/result.md"
echo "(written to $WORK/result.md and $RDIR/result-$tag.md)"
if [[ $peers_only == 1 && ${COMPARE_PEERS_ONLY:-0} == 1 ]]; then
    # Only the peers were asked for: their agreement alone decides.
    grep -q 'peers disagree' "$RDIR/result.md" && exit 1
    exit 0
fi
exit $rc
