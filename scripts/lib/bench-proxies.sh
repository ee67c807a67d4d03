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
  printf '"%s" "%s"\n' "$user" "$password" >"$WORK/userlist.txt"
  local as_user=()
  [ "$(id -u)" -eq 0 ] && as_user=(-u postgres)
  # PgBouncer cannot pick its own port: take one nothing listens on, and if another process takes it
  # before PgBouncer binds (PgBouncer then exits), try again with another.
  for _ in $(seq 1 5); do
    BOUNCER_PORT=$(bench_free_port) || die "no free port for pgbouncer"
    bench_write_pgbouncer_ini "$db" "$max_clients" "$pool_size"
    [ ${#as_user[@]} -gt 0 ] && chown -R postgres "$WORK"
    pgbouncer "${as_user[@]}" "$WORK/pgbouncer.ini" >>"$WORK/pgbouncer.out" 2>&1 &
    BOUNCER_PID=$!
    # Wait until it accepts connections: a loaded machine may take well over a second to start it.
    for _ in $(seq 1 200); do
      bench_port_listens "$BOUNCER_PORT" && return 0
      kill -0 "$BOUNCER_PID" 2>/dev/null || break
      sleep 0.05
    done
    kill "$BOUNCER_PID" 2>/dev/null; wait "$BOUNCER_PID" 2>/dev/null
    BOUNCER_PID=
  done
  cat "$WORK/pgbouncer.out" "$WORK/pgbouncer.log" >&2 2>/dev/null
  die "pgbouncer did not start"
}

# Prints a TCP port on 127.0.0.1 that nothing listens on, below the kernel's ephemeral range: a port
# there may be the local end of an outgoing connection (the benchmark makes thousands), and then
# PgBouncer cannot bind it.
bench_free_port() {
  local p first=32768
  read -r first _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  (( first > 12000 )) || first=32768
  for _ in $(seq 1 50); do
    p=$(( 10000 + RANDOM % (first - 10000) ))
    bench_port_listens "$p" || { echo "$p"; return 0; }
  done
  return 1
}

bench_port_listens() {
  ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

bench_write_pgbouncer_ini() {
  local db=$1 max_clients=$2 pool_size=$3
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
}

bench_stop_proxies() {
  [ -n "$GW_PID" ] && kill "$GW_PID" 2>/dev/null && wait "$GW_PID" 2>/dev/null || true
  [ -n "$BOUNCER_PID" ] && kill "$BOUNCER_PID" 2>/dev/null || true
}
