import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { DC09_MAX_FRAME_BYTES } from '../../src/protocols/dc09/dc09-frame.js';
import { PROTOCOL_ERRORS } from '../../src/protocols/protocol-error.js';
import { hasSharedVectors, repoRoot, sharedVectorsDir, vectorsDir } from '../helpers/vectors.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

t.test('every error code is documented in the README table, and the table has no other', async (t) => {
  const table = readme.slice(readme.indexOf('| code | meaning |'));
  const rows = table.slice(0, table.indexOf('\n\n'));
  const documented = [...rows.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).filter((c) => c !== 'INTERNAL_ERROR');
  t.same(documented.sort(), Object.keys(PROTOCOL_ERRORS).sort());
  t.match(readme, `DC-09: ${DC09_MAX_FRAME_BYTES.toLocaleString('en-US')} bytes`, 'the documented size cap is the real one');
});

t.test('the vectors in fixtures/ are the team\'s verified vectors, unchanged', { skip: !hasSharedVectors && 'shared/vectors is not beside the repository' }, async (t) => {
  const files = readdirSync(sharedVectorsDir).filter((f) => f.endsWith('.json')).sort();
  t.same(readdirSync(vectorsDir).filter((f) => f.endsWith('.json')).sort(), files);
  for (const f of files) t.equal(readFileSync(join(vectorsDir, f), 'utf8'), readFileSync(join(sharedVectorsDir, f), 'utf8'), f);
});

t.test("the receivers' own refusal codes are documented in their README table", async (t) => {
  const { RECEIVER_ERRORS } = await import('../../src/journal/receiver-error.js');
  const table = readme.slice(readme.indexOf('| receiver code | meaning |'));
  const rows = table.slice(0, table.indexOf('\n\n'));
  t.same([...rows.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort(), Object.keys(RECEIVER_ERRORS).sort());
});
