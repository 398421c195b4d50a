#!/usr/bin/env node
// Entry point for `escalon` / `npx escalon`: runs the compiled CLI (npm start builds it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'server', 'cli', 'main.js');
if (!existsSync(compiled)) {
  console.error('Escalon is not built yet. Run `npm run build` (or `npm start`, which builds first).');
  process.exit(1);
}
await import(compiled);
