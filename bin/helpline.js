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
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
