// Copies the console's page (plain files, no build step) next to the compiled console in dist/,
// where src/console/static-routes.ts looks for it. Run by `npm run build` after tsc.
import { cpSync, rmSync } from 'node:fs';
import { URL } from 'node:url';

const from = new URL('../src/console/web/', import.meta.url);
const to = new URL('../dist/src/console/web/', import.meta.url);
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
