#!/usr/bin/env node
// Plain JavaScript so that an old Node can still print a helpful message instead of a syntax error.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `Helpline needs Node 24 or newer, and this is ${process.version}.\n` +
      'Run it through npm so the project brings its own Node 24: `npm start`, `npx helpline …`.',
  );
  process.exit(1);
}
// Node strips TypeScript types with a WebAssembly compiler that costs ~0.2 s of CPU to load, and
// compiles every module again on each run; its compile cache keeps both (the stripped and compiled
// code) on disk, so a start or a one-shot command after the first skips them.
const { enableCompileCache } = await import('node:module');
const { fileURLToPath } = await import('node:url');
enableCompileCache?.(fileURLToPath(new URL('../node_modules/.cache/helpline/compile', import.meta.url)));
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
