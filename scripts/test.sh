#!/usr/bin/env bash
# Runs every test of latch. It fetches the tools the end-to-end tests use
# (AWS's IMDS mock) with `go install`, starts a throwaway PostgreSQL when
# the server binaries are on the machine and no LATCH_TEST_POSTGRES_DSN is
# given, and stops it again when the tests end.
#
# Set LATCH_REQUIRE_POSTGRES=1 to make a missing PostgreSQL a failure
# (CI does). Extra arguments go to `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."

gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$PATH"

if ! command -v ec2-metadata-mock >/dev/null 2>&1; then
  echo "test: installing ec2-metadata-mock (AWS's IMDS mock) with go install" >&2
  go install github.com/aws/amazon-ec2-metadata-mock/cmd/ec2-metadata-mock@v1.13.0
fi

pgdir=""
cleanup() {
  if [ -n "$pgdir" ]; then
    "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || \
      runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pgdir"
  fi
}
trap cleanup EXIT

if [ -z "${LATCH_TEST_POSTGRES_DSN:-}" ]; then
  pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$pgbin" ] && [ -x "$pgbin/initdb" ]; then
    pgdir="$(mktemp -d)"
    port="${LATCH_TEST_POSTGRES_PORT:-}"
    if [ -z "$port" ]; then
      # The first port from 55432 on that nothing listens on.
      for port in $(seq 55432 55531); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
      done
    fi
    as=()
    if [ "$(id -u)" = 0 ]; then
      # initdb refuses to run as root.
      chown postgres:postgres "$pgdir"
      as=(runuser -u postgres --)
    fi
    "${as[@]}" "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >"$pgdir/initdb.log" 2>&1
    "${as[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/pg.log" -w start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
    export LATCH_TEST_POSTGRES_DSN="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    echo "test: started a throwaway PostgreSQL on 127.0.0.1:$port" >&2
  else
    echo "test: no PostgreSQL server binaries found; the PostgreSQL tests will skip" >&2
  fi
fi

# The end-to-end tests need curl, jq and the IMDS mock: fail, not skip,
# when one is missing.
export LATCH_REQUIRE_E2E="${LATCH_REQUIRE_E2E:-1}"

go test -count=1 "$@" ./...
