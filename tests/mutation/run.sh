#!/bin/sh
# `make mutation`: mutmut over plugins/module_utils, driven by the unit tests (tests/unit).
# Usage: tests/mutation/run.sh [mutmut run arguments, e.g. a mutant name pattern]
# Results stay in build/mutation/mutants (mutmut re-tests only what changed); the summary is printed
# and written to build/mutation/summary.txt. tests/mutation/results.md records a run and its survivors.
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$REPO/build/mutation
COPY=$WORK/ansible_collections/exotel/sip_trunking
mkdir -p "$COPY"
# A copy, not the symlink of `make layout`: mutmut must find the files under the import path itself.
cd "$REPO"
git ls-files -z --cached --others --exclude-standard | (cd "$REPO" && xargs -0 cp --parents -u -t "$COPY")
cp "$REPO/tests/mutation/pyproject.toml" "$WORK/pyproject.toml"
cd "$WORK"
# Fewer property examples per mutant (tests/conftest.py), the same ones every run.
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-mutation}"
"$REPO/.venv/bin/mutmut" run --max-children "${MUTATION_JOBS:-2}" "$@"
"$REPO/.venv/bin/python" "$REPO/tests/mutation/summary.py" | tee "$WORK/summary.txt"
