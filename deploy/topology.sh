#!/usr/bin/env bash
# The production topology on one machine, from Debian's packages: PgBouncer (transaction pooling) in front
# of PostgreSQL for request traffic, several uvicorn workers, Redis for the channel layer and the cache.
# tests/topology runs this same script.
#
#   deploy/topology.sh start | stop | status
#
# Environment (defaults in brackets):
#   DATABASE_URL         the owner's direct connection (required), e.g. postgres://postgres@127.0.0.1:5432/humanglue
#   REDIS_URL            [redis://127.0.0.1:6379/0]
#   WEB_CONCURRENCY      uvicorn worker processes [2]
#   WEB_PORT             [8000]          PGBOUNCER_PORT  [6432]        PGBOUNCER_POOL_SIZE  [20]
#   TOPOLOGY_DIR         pid files, logs, the rendered pgbouncer.ini [.data/topology]
#   SECRET_KEY           [a random key kept in $TOPOLOGY_DIR/secret_key]
#   SKIP_MIGRATE=1       do not run migrate (it runs once here, on the owner's direct connection, never in workers)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-$ROOT/.venv/bin/python}
TOPOLOGY_DIR=$(mkdir -p "${TOPOLOGY_DIR:-$ROOT/.data/topology}" && cd "${TOPOLOGY_DIR:-$ROOT/.data/topology}" && pwd)
export TOPOLOGY_DIR
WEB_PORT=${WEB_PORT:-8000}
PGBOUNCER=${PGBOUNCER:-$(command -v pgbouncer || echo /usr/sbin/pgbouncer)}
PGBOUNCER_DIR=$TOPOLOGY_DIR/pgbouncer

say() { echo "topology: $*"; }

wait_for() {  # wait_for <what> <command...>: up to 60 s
  local what=$1; shift
  for _ in $(seq 1 300); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  say "$what did not come up (logs in $TOPOLOGY_DIR)"; return 1
}

stop() {
  if [ -f "$TOPOLOGY_DIR/web.pid" ]; then
    kill -TERM "$(cat "$TOPOLOGY_DIR/web.pid")" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$(cat "$TOPOLOGY_DIR/web.pid")" 2>/dev/null || break; sleep 0.1; done
    rm -f "$TOPOLOGY_DIR/web.pid"; say "web workers stopped"
  fi
  if [ -f "$PGBOUNCER_DIR/pgbouncer.pid" ]; then
    kill -TERM "$(cat "$PGBOUNCER_DIR/pgbouncer.pid")" 2>/dev/null || true
    for _ in $(seq 1 100); do [ -f "$PGBOUNCER_DIR/pgbouncer.pid" ] || break; sleep 0.1; done
    rm -f "$PGBOUNCER_DIR/pgbouncer.pid"; say "pgbouncer stopped"
  fi
}

start() {
  : "${DATABASE_URL:?DATABASE_URL, the direct connection of the owner, is required}"
  export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
  export PGBOUNCER_PORT=${PGBOUNCER_PORT:-6432} PGBOUNCER_POOL_SIZE=${PGBOUNCER_POOL_SIZE:-20}
  export PGBOUNCER_LISTEN_ADDR=${PGBOUNCER_LISTEN_ADDR:-127.0.0.1} PGBOUNCER_AUTH_TYPE=${PGBOUNCER_AUTH_TYPE:-trust}
  [ -x "$PGBOUNCER" ] || { say "pgbouncer is not installed (apt-get install pgbouncer)"; exit 1; }
  if [ -z "${SECRET_KEY:-}" ]; then
    [ -s "$TOPOLOGY_DIR/secret_key" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(64))' > "$TOPOLOGY_DIR/secret_key"
    SECRET_KEY=$(cat "$TOPOLOGY_DIR/secret_key")
  fi
  export SECRET_KEY
  export PGBOUNCER_DIR=$TOPOLOGY_DIR/pgbouncer
  mkdir -p "$PGBOUNCER_DIR"
  # host, port and database of the direct connection, for PgBouncer's [databases] line
  read -r PG_HOST PG_PORT PG_DBNAME PGBOUNCER_ADMIN_USER < <("$PY" -c 'import os, urllib.parse as p
u = p.urlsplit(os.environ["DATABASE_URL"])
print(u.hostname or "127.0.0.1", u.port or 5432, u.path.lstrip("/"), u.username or "postgres")')
  export PG_HOST PG_PORT PG_DBNAME PGBOUNCER_ADMIN_USER
  if [ "${SKIP_MIGRATE:-}" != 1 ]; then
    say "migrate (owner, direct connection)"
    DEBUG=false "$PY" manage.py migrate --noinput --verbosity 0
  fi
  DEBUG=false "$PY" manage.py collectstatic --noinput --verbosity 0

  say "pgbouncer on 127.0.0.1:$PGBOUNCER_PORT (transaction pooling, $PGBOUNCER_POOL_SIZE server connections) -> $PG_HOST:$PG_PORT/$PG_DBNAME"
  "$PY" - <<'PY'
import os, string
from pathlib import Path
text = string.Template(Path("deploy/pgbouncer.ini").read_text()).substitute(os.environ)
out = Path(os.environ["PGBOUNCER_DIR"])
(out / "pgbouncer.ini").write_text(text)
# trust still needs the user names listed; production uses scram-sha-256 with real secrets here
(out / "userlist.txt").write_text(f'"humanglue_web" ""\n"{os.environ["PGBOUNCER_ADMIN_USER"]}" ""\n')
PY
  if [ "$(id -u)" -eq 0 ]; then
    # PgBouncer refuses to run as root: run it as the account Debian's package created for it.
    chown -R "${PGBOUNCER_USER:-postgres}" "$PGBOUNCER_DIR"
    runuser -u "${PGBOUNCER_USER:-postgres}" -- "$PGBOUNCER" -d "$PGBOUNCER_DIR/pgbouncer.ini"
  else
    "$PGBOUNCER" -d "$PGBOUNCER_DIR/pgbouncer.ini"
  fi
  wait_for pgbouncer bash -c "exec 3<>/dev/tcp/127.0.0.1/$PGBOUNCER_PORT"

  local workers=${WEB_CONCURRENCY:-2}
  say "$workers uvicorn workers on 127.0.0.1:$WEB_PORT"
  DEBUG=false HUMANGLUE_CONNECT_AS=request \
    DATABASE_REQUEST_URL="postgres://humanglue_web@127.0.0.1:$PGBOUNCER_PORT/$PG_DBNAME" \
    nohup "$ROOT/.venv/bin/uvicorn" humanglue.asgi:application --host 127.0.0.1 --port "$WEB_PORT" \
      --workers "$workers" --proxy-headers --forwarded-allow-ips 127.0.0.1 \
      > "$TOPOLOGY_DIR/web.log" 2>&1 &
  echo $! > "$TOPOLOGY_DIR/web.pid"
  wait_for "the web workers" "$PY" -c "import httpx; httpx.get('http://127.0.0.1:$WEB_PORT/healthz', timeout=2).raise_for_status()"
  say "up: http://127.0.0.1:$WEB_PORT (send X-Forwarded-Proto: https, as the TLS proxy does); stop with: $0 stop"
}

status() {
  for name in web pgbouncer; do
    if [ -f "$TOPOLOGY_DIR/$name.pid" ] && kill -0 "$(cat "$TOPOLOGY_DIR/$name.pid")" 2>/dev/null; then
      say "$name running (pid $(cat "$TOPOLOGY_DIR/$name.pid"))"
    else
      say "$name not running"
    fi
  done
}

case "${1:-}" in
  start) stop; start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
