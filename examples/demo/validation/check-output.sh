#!/bin/sh
# The demo's one validation script, run after every phase in the project root (the run's --root) with the
# phase's environment. Exit 0: the phase did its work; anything else: the attempt failed and is retried.
file="out/phase-$HYPERVISOR_PHASE_ID.txt"
if [ -s "$file" ]; then
  echo "ok: $file"
  exit 0
fi
echo "expected $file to exist and not be empty" >&2
exit 1
