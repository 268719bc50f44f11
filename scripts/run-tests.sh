#!/usr/bin/env bash
# Runs the whole suite. When the local PostgreSQL answers, every database test also runs
# against a throwaway database created for this run and dropped afterwards.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PGHOST_ADDR=${ESTRADE_TEST_PGHOST:-127.0.0.1}
created_db=""
if [ -z "${ESTRADE_TEST_POSTGRES_URL:-}" ] && command -v psql >/dev/null \
   && psql -h "$PGHOST_ADDR" -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
  created_db="estrade_test_$$_$(date +%s)"
  psql -h "$PGHOST_ADDR" -U postgres -d postgres -qc "CREATE DATABASE $created_db" >/dev/null
  export ESTRADE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@$PGHOST_ADDR:5432/$created_db"
  echo "==> PostgreSQL : base jetable $created_db"
elif [ -z "${ESTRADE_TEST_POSTGRES_URL:-}" ]; then
  echo "!!  PostgreSQL injoignable sur $PGHOST_ADDR:5432 : variantes PostgreSQL ignorées."
fi
cleanup() {
  if [ -n "$created_db" ]; then
    psql -h "$PGHOST_ADDR" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $created_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
$BIN/python -m pytest "$@"
status=$?
exit $status
