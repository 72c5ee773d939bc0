// Section 12 alone (the field app), for working on it:
//   cd e2e && node field-only.mjs
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HERE, startServer, useArtifacts, tally, harnessFailed } from './lib.mjs';
import { fieldApp } from './field.mjs';

const artifacts = join(HERE, 'artifacts', 'field');
mkdirSync(artifacts, { recursive: true });
useArtifacts(artifacts);
const work = mkdtempSync(join(tmpdir(), 'hocvuso-field-'));
const server = await startServer(join(work, 'data'), { demo: true });
const errors = [];
try {
  await fieldApp(server.url, join(work, 'data'), errors);
  if (errors.length) console.log(`not ok - server errors: ${errors.join(', ')}`);
} catch (e) {
  harnessFailed(e);
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = tally().failures > 0 || errors.length ? 1 : 0;
