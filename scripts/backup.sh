#!/usr/bin/env bash
# Dump the database of $DATABASE_URL in pg_dump's custom format, to a timestamped file.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/jissen scripts/backup.sh [directory]
#
# The directory defaults to $BACKUP_DIR, else ./backups. The file is written under a temporary
# name and renamed when pg_dump succeeded, so a listed .dump is always complete. It holds
# students' personal data: it is created readable by its owner only. Uploaded files (MEDIA_ROOT)
# are not in the database; docs/deployment.md ("Backups") says how to save them too.
# Prints the path of the new file on stdout.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/jissen}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) url="$DATABASE_URL" ;;
  *) echo "backup.sh: DATABASE_URL must be a postgres:// URL" >&2; exit 2 ;;
esac

dir="${1:-${BACKUP_DIR:-backups}}"
name="${url##*/}"   # the database name, after the last slash
name="${name%%\?*}" # without ?options
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
file="$dir/${name}-${stamp}.dump"

umask 077
mkdir -p "$dir"
tmp="$(mktemp "$dir/.${name}-${stamp}.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
pg_dump --format=custom --compress=6 --dbname="$url" --file="$tmp"
mv "$tmp" "$file"
trap - EXIT
echo "$file"
