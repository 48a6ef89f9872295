#!/usr/bin/env bash
# The duplicates benchmark of issue #24: generates N people, imports them
# into a fresh workspace file (region NO), defines the recommended rule set
# (find_duplicates.py RULES), times crm_duplicates_find (one call, then in
# pages), scores the pairs, and times single creates with and without rules.
#
#   benchmarks/duplicates/run.sh [PEOPLE] [OUT_DIR]
#
# PEOPLE defaults to 833000 (about 1,000,000 rows); OUT_DIR to
# /tmp/crm-duplicates. LIBCRM: libcrm.so to use (default: a Release build in
# benchmarks' build directory, see ../common.sh).
# CREATES: number of single creates for the overhead ratio (default 20000).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
people="${1:-833000}"
out="${2:-/tmp/crm-duplicates}"
creates="${CREATES:-20000}"
mkdir -p "$out"
if [ -z "${LIBCRM:-}" ]; then
  source "$here/../common.sh"
  bench_build crm
  export LIBCRM="$build/libcrm.so"
fi

echo "== generating $people people"
python3 "$here/generate_people.py" --people "$people" --seed 1 --out "$out"
echo "== importing"
python3 "$here/find_duplicates.py" load "$out/people.crm" "$out/customers.csv"
echo "== crm_duplicates_find, one call"
python3 "$here/find_duplicates.py" find "$out/people.crm" "$out/pairs.csv"
echo "== crm_duplicates_find, pages of 100,000 customers"
python3 "$here/find_duplicates.py" find "$out/people.crm" "$out/pairs-paged.csv" \
  --page 100000
if cmp -s "$out/pairs.csv" "$out/pairs-paged.csv"; then
  echo "paged pairs: the same as one call's"
else
  echo "paged pairs: DIFFER from one call's" >&2
fi
echo "== scoring"
python3 "$here/score_pairs.py" --truth "$out/truth.csv" --pairs "$out/pairs.csv" \
  --examples 5 --customers "$out/customers.csv" | tee "$out/score.json"
echo "== $creates single creates: no rules, then the rule set acting (warn)"
python3 "$here/find_duplicates.py" creates "$out" "$creates"
python3 "$here/find_duplicates.py" creates "$out" "$creates" --rules
echo "== $creates single creates into a copy of the loaded workspace: no rules, then the rule set"
python3 "$here/find_duplicates.py" creates "$out" "$creates" --base "$out/people.crm"
python3 "$here/find_duplicates.py" creates "$out" "$creates" --rules --base "$out/people.crm"
