// Passes, says where it ran, and reports a quality of 85 on its last line.
console.log(`validated phase ${process.env.HYPERVISOR_PHASE_ID} in ${process.cwd()}`);
console.error('a warning on stderr');
console.log(JSON.stringify({ quality: 85 }));
