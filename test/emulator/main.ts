// Placeholder replaced by the emulator implementation.
console.error('ADO emulator: not built yet');
process.exitCode = 1;
