#!/usr/bin/env bash
# Install (Debian packages) and start what the full test suite needs: PostgreSQL, Redis, Chromium,
# fonts, Node and npm (axe-core), Python's venv module. Idempotent; `make test` calls it when
# something is missing or when run as root. Prints the PostgreSQL URL to use as TEST_DATABASE_URL
# on its last line (everything else goes to stderr).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
# ICU for PyICU (the `icu` extra: Hungarian collation in Python, lms_plugin/collation.py).
dpkg -s libicu-dev >/dev/null 2>&1 || need+=(libicu-dev pkg-config g++)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing: ${need[*]}" >&2
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq "${need[@]}" >&2
fi

# PostgreSQL: Debian's cluster if present, started; a role and database for the tests.
PGVER=$(ls /usr/lib/postgresql | sort -V | tail -n1)
if ! pg_lsclusters 2>/dev/null | grep -q "^$PGVER *main"; then
  $SUDO pg_createcluster "$PGVER" main >&2 || true
fi
$SUDO pg_ctlcluster "$PGVER" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
as_pg psql -q -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='lms') THEN CREATE ROLE lms LOGIN SUPERUSER PASSWORD 'lms'; END IF; END\$\$;" >&2
for dbname in lms_test lms_test2 lms_bench; do
  as_pg psql -q -tc "SELECT 1 FROM pg_database WHERE datname='$dbname'" | grep -q 1 \
    || as_pg createdb -O lms "$dbname" >&2
done

# Redis on its default port.
if ! (redis-cli -p 6379 ping 2>/dev/null | grep -q PONG); then
  redis-server --port 6379 --save "" --appendonly no --daemonize yes >&2
fi

echo "postgresql://lms:lms@127.0.0.1:5432/lms_test"
