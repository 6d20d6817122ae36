# Fails with exit code 3 after printing why.
echo "checking phase $HYPERVISOR_PHASE_ID"
echo "missing file: src/feature.ts" >&2
exit 3
