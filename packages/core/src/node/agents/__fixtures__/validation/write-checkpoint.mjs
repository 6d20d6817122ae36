// Writes a checkpoint the way the original Python validation scripts did (here as JSON text), then passes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const path = process.argv[2] ?? `checkpoints/phase_${process.env.HYPERVISOR_PHASE_ID}.toon`;
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, JSON.stringify({ phase_id: Number(process.env.HYPERVISOR_PHASE_ID), results: { overall: 'PASS', checks: 4 } }));
console.log('checkpoint written');
