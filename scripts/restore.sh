#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into an EMPTY database.
#
#   scripts/restore.sh backups/jissen-20270401T000000Z.dump postgres://postgres@127.0.0.1:5432/jissen_restored
#   DATABASE_URL=postgres://... scripts/restore.sh FILE      # the target from the environment
#
# Create the database first (createdb, or CREATE DATABASE). The script refuses a database that
# already has tables in the public schema, so a restore never mixes with live rows. pg_restore
# runs with --no-owner (the tables belong to the connecting user), --exit-on-error and
# --single-transaction: it either restores everything or leaves the database empty.
set -euo pipefail

file="${1:?usage: restore.sh DUMP_FILE [TARGET_DATABASE_URL]}"
url="${2:-${DATABASE_URL:-}}"
[ -n "$url" ] || { echo "restore.sh: give the target URL or set DATABASE_URL" >&2; exit 2; }
case "$url" in
  postgres://* | postgresql://*) ;;
  *) echo "restore.sh: the target must be a postgres:// URL" >&2; exit 2 ;;
esac
[ -r "$file" ] || { echo "restore.sh: cannot read $file" >&2; exit 2; }

tables="$(psql --dbname="$url" --no-psqlrc --tuples-only --no-align \
  --command="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
  echo "restore.sh: the target database has $tables tables already; restore into an empty one" >&2
  exit 1
fi

pg_restore --no-owner --exit-on-error --single-transaction --dbname="$url" "$file"
echo "restored $file into ${url##*/}"
