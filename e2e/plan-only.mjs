// Section 13 alone (the plan, a campaign, the public pages), for working
// on it:   cd e2e && node plan-only.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, HERE, VIEWPORT, startServer, useArtifacts, tally, harnessFailed, launchBrowser, login, changePassword } from './lib.mjs';
import { planAndPublic } from './plan.mjs';

const PASSWORD = 'Ke-hoach-Dan-Tien-2026';
const artifacts = join(HERE, 'artifacts', 'plan');
mkdirSync(artifacts, { recursive: true });
useArtifacts(artifacts);
const work = mkdtempSync(join(tmpdir(), 'hocvuso-plan-'));
const dataDir = join(work, 'data');
const server = await startServer(dataDir, { demo: true });
const errors = [];
let browser = null;
try {
  const out = execFileSync(BIN, ['--data-dir', dataDir, 'user', 'add', 'vanhoa', '--role', 'phong_vhxh', '--name', 'Phòng Văn hóa thử'], { encoding: 'utf8' });
  const oneTime = out.match(/Mật khẩu một lần: (\S+)/)[1];
  browser = await launchBrowser();
  const ctx = await browser.newContext({ ...VIEWPORT, baseURL: server.url });
  const page = await ctx.newPage();
  await page.goto('/dang-nhap');
  await login(page, server.url, 'vanhoa', oneTime);
  await changePassword(page, oneTime, PASSWORD);
  await ctx.close();
  await planAndPublic(browser, server.url, 'vanhoa', PASSWORD, errors);
  if (errors.length) console.log(`not ok - server errors: ${errors.join(', ')}`);
} catch (e) {
  harnessFailed(e);
} finally {
  if (browser) await browser.close();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = tally().failures > 0 || errors.length ? 1 : 0;
