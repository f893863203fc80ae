#!/usr/bin/env bash
# Install the system packages the integration tests use, when they are missing:
# a PostgreSQL server (for the event store's PostgreSQL tests) and Chromium (for the HTML report test).
# Needs root and apt-get; elsewhere it says what is missing and the tests skip with a loud message.
set -u
need=()
have_pg() {
  command -v pg_ctl >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1
}
have_pg || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "MERK: mangler ${need[*]} og kan ikke installere (krever root og apt-get); testene som trenger dem hoppes over." >&2
  exit 0
fi
echo "Installerer testavhengigheter: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
if ! apt-get install -y -qq --no-install-recommends "${need[@]}" >/tmp/samhandling-apt.log 2>&1; then
  echo "MERK: kunne ikke installere ${need[*]} (se /tmp/samhandling-apt.log); testene som trenger dem hoppes over." >&2
fi
exit 0
