#!/usr/bin/env bash
# Points code comments at docs/atlan-contract.md (same section numbers as the API notes the code
# was first written against) instead of at documents outside the repository. Comment lines only
# (lines starting with //, /* or *); code and strings are left alone. Idempotent: re-run it after
# a merge brings in new "API §" or "design §" comments.
#
#   scripts/cite-contract.sh          rewrite in place
#   scripts/cite-contract.sh --check  list what would change; exit 1 if anything would
set -euo pipefail
cd "$(dirname "$0")/.."

# design §N had no counterpart in the repo; each maps to where the same thing is written down:
#   design §2 (interface, check-run conclusions) → README.md "Check run and branch protection"
#   design §3 (the pipeline, step by step)      → CONTRIBUTING.md "Layout"
#   design §3 step 9 (submit never resent)      → docs/atlan-contract.md §7
#   design §4 (polling and retries)             → docs/atlan-contract.md §4 (polling), §7 (retries)
#   design §5 (CSV validation)                  → docs/atlan-contract.md §6
read -r -d '' REWRITE <<'PERL' || true
if (m{^\s*(//|/\*|\*)}) {
  s{\(API §7; design §4\)}{(docs/atlan-contract.md §7)}g;
  s{\(design §4, API §4\)}{(docs/atlan-contract.md §4)}g;
  s{\(design §5, API §6\)}{(docs/atlan-contract.md §6)}g;
  s{design §3 step 9}{docs/atlan-contract.md §7}g;
  s{design §2\b}{README.md "Check run and branch protection"}g;
  s{design §3\b}{CONTRIBUTING.md "Layout"}g;
  s{design §4\b}{docs/atlan-contract.md §4}g;
  s{design §5\b}{docs/atlan-contract.md §6}g;
  s{(?:\.\./shared/docs/)?atlan-api\.md}{docs/atlan-contract.md}g;
  s{\bAPI §}{docs/atlan-contract.md §}g;
}
PERL

# sim/README.md is prose: every line is rewritten, with a relative link to the contract.
read -r -d '' REWRITE_MD <<'PERL' || true
s{`\.\./shared/docs/atlan-api\.md`}{[docs/atlan-contract.md](../docs/atlan-contract.md)}g;
s{\bAPI §}{docs/atlan-contract.md §}g;
PERL

mapfile -t code < <(git ls-files -- src sim scripts bench __tests__ | grep -E '\.(ts|mts|js|mjs)$')
docs=()
[ -f sim/README.md ] && docs=(sim/README.md)

if [ "${1:-}" = "--check" ]; then
  status=0
  for f in "${code[@]}"; do
    if ! perl -ne "$REWRITE; print" "$f" | cmp -s - "$f"; then echo "$f"; status=1; fi
  done
  for f in "${docs[@]}"; do
    if ! perl -pe "$REWRITE_MD" "$f" | cmp -s - "$f"; then echo "$f"; status=1; fi
  done
  exit $status
fi

for f in "${code[@]}"; do perl -pi -e "$REWRITE" "$f"; done
for f in "${docs[@]}"; do perl -pi -e "$REWRITE_MD" "$f"; done
