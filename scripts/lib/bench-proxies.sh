# SPDX-License-Identifier: Apache-2.0
# What the proxy benchmarks (bench-gateway, bench-idle-clients) share: a Release build of writ and
# writ-gateway, a gateway started on a free port with a fresh credential key, password secret and audit
# key, and PgBouncer in session mode on a free port. Sourced; the caller defines REPO, BUILD_DIR, WORK,
# die and note, and kills GW_PID and BOUNCER_PID on exit (bench_stop_proxies).

GW_PID= GW_PORT= BOUNCER_PID= BOUNCER_PORT=

# Configures (once) and builds the Release binaries; sets WRIT and GATEWAY.
bench_build() {
  local gen=()
  command -v ninja >/dev/null && gen=(-G Ninja)
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    note "configuring a Release build in $BUILD_DIR"
    cmake -S "$REPO" -B "$BUILD_DIR" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  fi
  note "building writ and writ-gateway (Release)"
  cmake --build "$BUILD_DIR" --target writ writ-gateway >/dev/null
  WRIT=$BUILD_DIR/app/cli/writ
  GATEWAY=$BUILD_DIR/app/gateway/writ-gateway
}

# bench_start_gateway DB ADMIN_DSN MAX_CLIENTS KID [EXTRA_CONFIG]: signs task credentials with
# $WORK/keys/KID.private.pem and the password secret $WORK/secret; audits to $WORK/audit.jsonl.
bench_start_gateway() {
  local db=$1 admin_dsn=$2 max_clients=$3 kid=$4 extra=${5:-}
  "$WRIT" keys generate --out "$WORK/keys" --alg EdDSA --kid "$kid" >/dev/null 2>&1
  (umask 077; openssl rand -base64 48 >"$WORK/secret"; openssl rand -base64 48 >"$WORK/audit.key")
  cat >"$WORK/gateway.yaml" <<YAML
listen: 127.0.0.1:0
upstream: { host: 127.0.0.1, port: $WRIT_PG_PORT, database: $db, sslmode: disable }
state_dsn: "$admin_dsn"
password_secret: $WORK/secret
credentials: { key_files: [$WORK/keys/jwks.json] }
audit: { file: $WORK/audit.jsonl, key_file: $WORK/audit.key }
max_clients: $max_clients
$extra
YAML
  # WRIT_BENCH_GATEWAY_WRAPPER runs the gateway under a tool, e.g. "valgrind --tool=callgrind
  # --callgrind-out-file=/tmp/gw.callgrind" to count its instructions per statement.
  ${WRIT_BENCH_GATEWAY_WRAPPER:-} "$GATEWAY" --config "$WORK/gateway.yaml" >"$WORK/gateway.log" 2>&1 &
  GW_PID=$!
  for _ in $(seq 1 600); do
    GW_PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/gateway.log")
    [ -n "$GW_PORT" ] && return 0
    sleep 0.1
  done
  cat "$WORK/gateway.log" >&2
  die "the gateway did not start"
}

# bench_start_pgbouncer DB USER PASSWORD MAX_CLIENTS POOL_SIZE: session mode, SCRAM, as the gateway
# holds one upstream connection per client session.
bench_start_pgbouncer() {
  local db=$1 user=$2 password=$3 max_clients=$4 pool_size=$5
  command -v pgbouncer >/dev/null || PATH=$PATH:/usr/sbin
  command -v pgbouncer >/dev/null || die "pgbouncer is not installed (scripts/install-deps installs it)"
  for _ in $(seq 1 50); do # a port nothing listens on (pgbouncer cannot pick its own)
    local p=$(( 20000 + RANDOM % 20000 ))
    ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { BOUNCER_PORT=$p; break; }
  done
  [ -n "$BOUNCER_PORT" ] || die "no free port for pgbouncer"
  printf '"%s" "%s"\n' "$user" "$password" >"$WORK/userlist.txt"
  cat >"$WORK/pgbouncer.ini" <<INI
[databases]
$db = host=127.0.0.1 port=$WRIT_PG_PORT dbname=$db
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $WORK/userlist.txt
pool_mode = session
max_client_conn = $max_clients
default_pool_size = $pool_size
logfile = $WORK/pgbouncer.log
INI
  local as_user=()
  [ "$(id -u)" -eq 0 ] && { chown -R postgres "$WORK"; as_user=(-u postgres); }
  pgbouncer "${as_user[@]}" "$WORK/pgbouncer.ini" >/dev/null 2>&1 &
  BOUNCER_PID=$!
  sleep 0.5
}

bench_stop_proxies() {
  [ -n "$GW_PID" ] && kill "$GW_PID" 2>/dev/null && wait "$GW_PID" 2>/dev/null || true
  [ -n "$BOUNCER_PID" ] && kill "$BOUNCER_PID" 2>/dev/null || true
}
