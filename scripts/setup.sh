#!/usr/bin/env bash
# Shared set-up for scripts/run and scripts/test. Safe to run again and again: every step
# checks first and only does what is missing. Works on a fresh Debian machine (as root, or
# with sudo) and on one where PostgreSQL and Redis already run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wir_portal}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_PORT=6379

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root (or sudo) for: $*" >&2; exit 1; fi
}

APT_UPDATED=0
apt_install() {
  # apt_install PACKAGE... : installs the Debian packages that are not installed yet.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${missing[*]}"
  local log
  log="$(mktemp -t wir-apt.XXXXXX)"
  if [ "$APT_UPDATED" -eq 0 ]; then as_root apt-get update -qq >"$log" 2>&1 || { cat "$log"; exit 1; }; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >"$log" 2>&1 || { cat "$log"; exit 1; }
  rm -f "$log"
}

# --- Debian packages: services, WeasyPrint's libraries, gettext, Node, Chromium, compose ------
apt_install python3-venv gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
  libfontconfig1 fonts-dejavu-core fonts-noto-core fonts-noto-color-emoji shared-mime-info poppler-utils \
  postgresql-client redis-tools
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
if [ "${WIR_SKIP_BROWSER:-0}" != "1" ]; then apt_install chromium; fi
command -v docker-compose >/dev/null || apt_install docker-compose

# --- PostgreSQL ---------------------------------------------------------------------------------
if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
  apt_install postgresql
  say "Starting PostgreSQL"
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # A development machine: local connections as postgres without a password (as on CI).
  if ! grep -q "wir-portal trust" "$hba"; then
    as_root sed -i "1i host all all 127.0.0.1/32 trust # wir-portal trust\nhost all all ::1/128 trust # wir-portal trust" "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break; sleep 1; done
  pg_isready -h "$PG_HOST" -p "$PG_PORT"
fi

# --- Redis ------------------------------------------------------------------------------------
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  apt_install redis-server
  say "Starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/wir-portal.log
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.5; done
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
fi

# --- Python environment -----------------------------------------------------------------------
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  say "Creating the virtual environment (.venv)"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.wir-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "Installing Python dependencies"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  echo "$want" > "$stamp"
fi

# --- Front-end assets from npm (lock file) ---------------------------------------------------
nstamp="node_modules/.wir-installed"
nwant="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$nstamp" 2>/dev/null)" != "$nwant" ]; then
  say "Installing front-end assets (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$nwant" > "$nstamp"
fi

# --- Database ---------------------------------------------------------------------------------
db_name="$(.venv/bin/python -c 'import os,urllib.parse as u; print(u.urlparse(os.environ["DATABASE_URL"]).path.lstrip("/"))')"
if ! psql "$DATABASE_URL" -tAc 'select 1' >/dev/null 2>&1; then
  say "Creating database $db_name"
  createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres "$db_name"
fi

say "Compiling translations"
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
