// What the browser tests share (run.mjs, setup-walk.mjs): the TAP-like step
// reporting with screenshots, starting and stopping the server, the phone
// viewport, the waits on text and controls, logging in, and axe-core steps.
//
//   import { step, startServer, login, expectText, axeStep } from './lib.mjs';
//
// Each script is its own process: the counters here are that run's.

import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { axeViolations, axeVersion, formatViolations, violationLines } from './a11y.mjs';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const BIN = resolve(HERE, process.env.HOCVUSO_BIN || '../target/debug/hocvuso');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const STEP_TIMEOUT = 15_000; // default wait for a URL, an element or a text
export const SERVER_START_TIMEOUT = 90_000; // the debug build loads ~20k demo residents

export const VIEWPORT = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'vi-VN',
};

/** Where screenshots and the axe-core report go (set by each script). */
let artifacts = join(HERE, 'artifacts');

export function useArtifacts(dir) {
  artifacts = dir;
}

// ---------------------------------------------------------------- reporting

let stepNo = 0;
let failures = 0;
const results = [];

function shotName(label) {
  const slug = label
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return join(artifacts, `${String(stepNo).padStart(2, '0')}-${slug}.png`);
}

async function screenshot(page, label) {
  if (!page || page.isClosed()) return;
  try {
    await page.screenshot({ path: shotName(label), fullPage: true, timeout: 5_000 });
  } catch {
    /* a screenshot is a convenience, never a failure */
  }
}

/** Run one step: prints ok / not ok, screenshots the page afterwards. Returns success. */
export async function step(page, label, fn) {
  stepNo += 1;
  const t0 = Date.now();
  try {
    const note = await fn();
    const ms = Date.now() - t0;
    console.log(`ok ${stepNo} - ${label}${note ? ` (${note})` : ''} [${ms} ms]`);
    results.push({ label, ok: true });
    await screenshot(page, label);
    return true;
  } catch (err) {
    failures += 1;
    console.log(`not ok ${stepNo} - ${label}`);
    // An error marked `full` (a list of findings) is printed whole, without its stack.
    const lines = err && err.full ? String(err.message).split('\n') : String(err && err.stack ? err.stack : err).split('\n').slice(0, 8);
    const msg = lines.map((l) => `  # ${l}`).join('\n');
    console.log(msg);
    if (page && !page.isClosed()) console.log(`  # at ${page.url()}`);
    results.push({ label, ok: false });
    await screenshot(page, `FAILED ${label}`);
    return false;
  }
}

/** Steps that cannot run (an earlier one failed): each one counts as a failure. */
export function skip(labels, why) {
  for (const label of labels) {
    stepNo += 1;
    failures += 1;
    console.log(`not ok ${stepNo} - ${label} # SKIP ${why}`);
    results.push({ label, ok: false });
  }
}

/** The harness itself failed (the server did not start, the browser crashed). */
export function harnessFailed(err) {
  failures += 1;
  console.log(`not ok ${++stepNo} - harness`);
  console.log(String(err && err.stack ? err.stack : err).split('\n').map((l) => `  # ${l}`).join('\n'));
}

/** { steps, passed, failures } so far. */
export function tally() {
  return { steps: results.length, passed: results.filter((r) => r.ok).length, failures };
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** An error whose message is a list of findings: step() prints all of its lines. */
export function findings(msg) {
  const e = new Error(msg);
  e.full = true;
  return e;
}

/** Lowercase, no diacritics, đ → d: how people type on a phone without Telex. */
export function fold(s) {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

// ---------------------------------------------------------------- server

/**
 * Start `hocvuso serve [--demo]` on a free port; resolves with {url, password,
 * stop, log, out}: the admin's one-time password as the first run prints it
 * (`needPassword`: wait for it), the server's stderr and stdout so far.
 */
export function startServer(dataDir, { bind = '127.0.0.1:0', needPassword = true, demo = false } = {}) {
  return new Promise((resolveStart, rejectStart) => {
    if (!existsSync(BIN)) {
      rejectStart(new Error(`không thấy ${BIN}: chạy "cargo build --bin hocvuso" trước, hoặc đặt HOCVUSO_BIN`));
      return;
    }
    const args = ['serve', ...(demo ? ['--demo'] : []), '--data-dir', dataDir, '--bind', bind];
    const child = spawn(BIN, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    let url = null;
    let password = null;
    let settled = false;
    const stop = () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGINT'); // graceful: flushes the audit log
        setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        }, 5_000).unref();
      });
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      stop();
      rejectStart(new Error(`máy chủ không khởi động sau ${SERVER_START_TIMEOUT / 1000} giây\n${stdout}\n${stderr}`));
    }, SERVER_START_TIMEOUT);
    const check = () => {
      const u = stdout.match(/hocvuso đang chạy: (http:\/\/\S+?)\/?\s*$/m);
      if (u) url = u[1];
      const p = stdout.match(/mật khẩu một lần (\S+)/);
      if (p) password = p[1];
      if (url && (password || !needPassword) && !settled) {
        settled = true;
        clearTimeout(timer);
        resolveStart({ url, password, stop, log: () => stderr, out: () => stdout });
      }
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      stdout += d;
      check();
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      rejectStart(e);
    });
    child.on('exit', (code, sig) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      rejectStart(new Error(`máy chủ thoát (${code ?? sig}) trước khi sẵn sàng\n${stdout}\n${stderr}`));
    });
  });
}

/** Debian's chromium, headless, without the background traffic. */
/**
 * Content-Security-Policy violations reported in any page of a browser from
 * launchBrowser() (Chromium logs each as a console error): the site's policy
 * allows no inline script or style, so any is a page part that did not run or
 * show. The runs end with a step asserting there were none.
 */
export const cspViolations = [];

function watchCsp(page) {
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
      cspViolations.push(`${page.url()}: ${msg.text()}`);
    }
  });
}

export async function launchBrowser() {
  const browser = await launchChromium();
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const context = await newContext(...args);
    context.on('page', watchCsp);
    return context;
  };
  return browser;
}

/**
 * A browser with a profile on disk (`dir`): what a phone keeps (cookies,
 * IndexedDB, the service worker's cache) survives closing it and launching
 * it again on the same folder. Returns the context; `close()` closes all.
 */
export async function launchPersistent(dir, options = {}) {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    ...options,
  });
  context.on('page', watchCsp);
  for (const p of context.pages()) watchCsp(p);
  return context;
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
}

// ---------------------------------------------------------------- helpers

export async function expectText(page, text, opts = {}) {
  const loc = page.getByText(text, opts).first();
  await loc.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  return loc;
}

export async function submitButton(page, name) {
  return page.getByRole('button', { name, exact: true });
}

export async function login(page, base, username, password) {
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== '/dang-nhap', { timeout: STEP_TIMEOUT }),
    (await submitButton(page, 'Đăng nhập')).click(),
  ]);
}

/**
 * On /doi-mat-khau (where a one-time password leads): sets a new password
 * and waits for the login page it sends back to.
 */
export async function changePassword(page, current, next) {
  await page.getByLabel('Mật khẩu hiện tại').fill(current);
  await page.getByLabel(/^Mật khẩu mới/).fill(next);
  await page.getByLabel('Nhập lại mật khẩu mới').fill(next);
  await Promise.all([page.waitForURL(pathIs('/dang-nhap')), (await submitButton(page, 'Đổi mật khẩu')).click()]);
}

export function pathIs(p) {
  return (u) => u.pathname === p;
}

/**
 * A link (or button) of the header's navigation. On a phone the links sit
 * behind "Menu" (`<details class="menu">`): opens it first when the control
 * is not visible yet.
 */
export async function navLink(page, name, role = 'link') {
  const loc = page.getByRole(role, { name, exact: true }).first();
  if (await loc.isVisible()) return loc;
  const summary = page.locator('details.menu:not([open]) > summary').first();
  if (await summary.count()) await summary.click();
  return loc;
}

// ---------------------------------------------------------------- accessibility (axe-core)

/** Every page checked with axe-core: { label, path, violations }. Printed at the end, saved as JSON. */
const axeReport = [];

/**
 * One step: axe-core on a page (navigates to `path` first unless it is null:
 * then the page as it is now). Fails listing every violation.
 */
export async function axeStep(page, label, path) {
  return step(page, `axe-core: ${label} has no violations`, async () => {
    if (path) await page.goto(path, { waitUntil: 'load' });
    const at = new URL(page.url());
    const violations = await axeViolations(page);
    axeReport.push({ label, path: at.pathname + at.search, violations });
    if (violations.length) {
      const n = violations.reduce((a, v) => a + v.nodes.length, 0);
      throw findings(`${violations.length} rule(s), ${n} element(s) at ${at.pathname}:\n${formatViolations(violations)}`);
    }
    return `${at.pathname}, axe-core ${axeVersion()}`;
  });
}

export function writeAxeReport() {
  if (!axeReport.length) return;
  writeFileSync(join(artifacts, 'axe.json'), `${JSON.stringify(axeReport, null, 2)}\n`, 'utf8');
  const lines = [];
  for (const r of axeReport) {
    lines.push(`${r.label} (${r.path}): ${r.violations.length ? `${r.violations.length} rule(s) violated` : 'no violations'}`);
    for (const l of violationLines(r.violations, { perRule: 1000, summaryChars: 2000 })) lines.push(`  ${l}`);
  }
  writeFileSync(join(artifacts, 'axe.txt'), `${lines.join('\n')}\n`, 'utf8');
  const bad = axeReport.filter((r) => r.violations.length);
  const where = relativeToE2e(artifacts);
  console.log(`# axe-core ${axeVersion()}: ${axeReport.length} pages checked, ${bad.length} with violations (all in ${where}/axe.txt)`);
  for (const r of bad) console.log(`#   ${r.path}: ${r.violations.map((v) => `${v.id}×${v.nodes.length}`).join(', ')}`);
}

/** "e2e/artifacts" for a folder under e2e/, else the path as it is. */
function relativeToE2e(dir) {
  const root = dirname(HERE);
  return dir.startsWith(`${root}/`) ? dir.slice(root.length + 1) : dir;
}
