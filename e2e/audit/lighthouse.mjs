// Lighthouse (mobile, simulated throttling: Lighthouse's defaults) on hocvuso's
// public and office pages. Run by scripts/audit-pages, which starts the demo
// server and passes:
//
//   AUDIT_BASE        server URL, e.g. http://127.0.0.1:41234
//   AUDIT_PASSWORD    the admin's one-time password (printed by `serve --demo`)
//   HOCVUSO_BIN       the server binary (to add a resident account)
//   AUDIT_DATA_DIR    the server's --data-dir
//   CHROME_PATH       browser (default /usr/bin/chromium)
//   AUDIT_MIN         lowest acceptable score per category (default 98)
//   AUDIT_ONLY        optional regular expression: audit only pages whose path matches
//   AUDIT_OUT         optional folder for one Lighthouse JSON report per page
//
// Logs in over HTTP (admin: one-time password, then the forced change; a
// resident made with `hocvuso user add`), then audits every page in one
// Chromium, passing the session cookie with Lighthouse's extraHeaders. Prints
// page | performance | accessibility | best-practices | SEO, and under each
// page every audit that lost points. Exits 1 if any score is below AUDIT_MIN.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import lighthouse, { startFlow } from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import puppeteer from 'puppeteer-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const BASE = (process.env.AUDIT_BASE || '').replace(/\/+$/, '');
const ONE_TIME = process.env.AUDIT_PASSWORD || '';
const BIN = process.env.HOCVUSO_BIN || '';
const DATA_DIR = process.env.AUDIT_DATA_DIR || '';
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const MIN = Number(process.env.AUDIT_MIN || 98);
const ONLY = process.env.AUDIT_ONLY ? new RegExp(process.env.AUDIT_ONLY) : null;
const OUT = process.env.AUDIT_OUT || '';
const ADMIN_PASSWORD = 'Tre-xanh-Khuon-Lang-2026';
const LEARNER_PASSWORD = 'Hoc-tap-suot-doi-2026';
const COURSE = 'dien-thoai-thong-minh';
const QUESTION = 'lam giay khai sinh o dau';
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

if (!BASE || !ONE_TIME || !BIN || !DATA_DIR) {
  console.error('lighthouse.mjs is run by scripts/audit-pages (needs AUDIT_BASE, AUDIT_PASSWORD, HOCVUSO_BIN, AUDIT_DATA_DIR)');
  process.exit(2);
}

// ---------------------------------------------------------------- HTTP login

/** A tiny cookie jar over fetch: follows no redirects, keeps Set-Cookie. */
function client() {
  const jar = new Map();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (gone) jar.delete(name);
      else jar.set(name, value);
    }
  };
  return {
    jar,
    cookie,
    async get(path) {
      const res = await fetch(BASE + path, { headers: { cookie: cookie() }, redirect: 'manual' });
      keep(res);
      return { status: res.status, location: res.headers.get('location'), text: await res.text() };
    },
    async post(path, fields) {
      const res = await fetch(BASE + path, {
        method: 'POST',
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      });
      keep(res);
      return { status: res.status, location: res.headers.get('location'), text: await res.text() };
    },
  };
}

/** An attribute value as the browser reads it (askama escapes & < > " ' and /). */
function unescapeHtml(v) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return v.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return named[e.toLowerCase()] ?? m;
  });
}

/** The hidden inputs of the form in `html` (first form if several have the name). */
function hidden(html) {
  const out = {};
  for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = (m[0].match(/name="([^"]*)"/) || [])[1];
    const value = (m[0].match(/value="([^"]*)"/) || [])[1] || '';
    if (name && !(name in out)) out[name] = unescapeHtml(value);
  }
  return out;
}

/** Logs in; on a one-time password changes it and logs in again. Returns the session cookie header. */
async function login(username, oneTime, newPassword) {
  const c = client();
  const submit = async (password) => {
    const page = await c.get('/dang-nhap');
    const res = await c.post('/dang-nhap', { ...hidden(page.text), username, password });
    if (res.status !== 303 && res.status !== 302) throw new Error(`login of ${username} answered ${res.status}`);
    return res.location || '';
  };
  let to = await submit(oneTime);
  if (to.startsWith('/doi-mat-khau')) {
    const form = await c.get('/doi-mat-khau');
    const res = await c.post('/doi-mat-khau', { ...hidden(form.text), current: oneTime, new_password: newPassword, confirm: newPassword });
    if (res.status !== 303 && res.status !== 302) throw new Error(`password change of ${username} answered ${res.status}`);
    to = await submit(newPassword);
  }
  if (!c.jar.has('hv_session')) throw new Error(`no session cookie after logging in ${username} (went to ${to})`);
  return { cookie: `hv_session=${c.jar.get('hv_session')}`, client: c };
}

/** The right answers of a course's quiz (0-based), read from courses/<id>/quiz.toml. */
function rightAnswers(course) {
  const text = readFileSync(join(ROOT, 'courses', course, 'quiz.toml'), 'utf8');
  return [...text.matchAll(/^answer\s*=\s*(\d+)/gm)].map((m) => Number(m[1]) - 1);
}

function firstLesson(course) {
  const f = readdirSync(join(ROOT, 'courses', course))
    .filter((n) => /^\d\d-.+\.md$/.test(n))
    .sort()[0];
  return f.slice(3, -3);
}

// ---------------------------------------------------------------- scores

function summarize(lhr) {
  const scores = {};
  const lost = [];
  for (const id of CATEGORIES) {
    const cat = lhr.categories[id];
    scores[id] = cat && cat.score !== null ? Math.round(cat.score * 100) : null;
    if (!cat) continue;
    for (const ref of cat.auditRefs) {
      const a = lhr.audits[ref.id];
      if (!a || ref.weight === 0 || a.score === null || a.score >= 1) continue;
      if (!['binary', 'numeric', 'metricSavings'].includes(a.scoreDisplayMode)) continue;
      lost.push({
        category: id,
        id: a.id,
        title: a.title,
        score: a.score,
        value: a.displayValue || '',
        items: ((a.details && a.details.items) || [])
          .slice(0, 3)
          .map((it) => (it.node && (it.node.selector || it.node.snippet)) || (it.sourceLocation && it.sourceLocation.url) || it.url || it.source || '')
          .filter(Boolean),
      });
    }
  }
  return { scores, lost, warnings: lhr.runWarnings || [] };
}

// ---------------------------------------------------------------- main

async function main() {
  const t0 = Date.now();
  // Accounts and ids, over plain HTTP.
  const admin = await login('admin', ONE_TIME, ADMIN_PASSWORD);
  const out = execFileSync(BIN, ['--data-dir', DATA_DIR, 'user', 'add', 'hocvien', '--role', 'nguoi_dan', '--resident', '1', '--name', 'Người học thử'], { encoding: 'utf8' });
  const learner = await login('hocvien', out.match(/Mật khẩu một lần: (\S+)/)[1], LEARNER_PASSWORD);

  const registry = await admin.client.get('/so-dan-cu');
  const residentPath = (registry.text.match(/href="(\/cu-dan\/\d+)"/) || [])[1];
  const resident = residentPath ? await admin.client.get(residentPath) : { text: '' };
  const householdPath = (resident.text.match(/href="(\/ho\/\d+)"/) || [])[1];
  const board = await admin.client.get('/bao-cao');
  const unitPath = ((board.text.match(/href="(\/bao-cao\/don-vi\/\d+)[^"]*"/) || [])[1]) || null;

  // A real certificate: the resident passes the quiz (the form posted as the browser would).
  let verifyPath = null;
  {
    const quiz = await learner.client.get(`/hoc/${COURSE}/kiem-tra`);
    // As hoc.js does: a fresh id of letters, digits and '-' (the server's own
    // default id may hold a '_' that it then refuses).
    const fields = { ...hidden(quiz.text), client_id: `audit-${randomBytes(12).toString('hex')}`, answered_at: String(Date.now()) };
    rightAnswers(COURSE).forEach((a, i) => {
      fields[`q${i}`] = String(a);
    });
    let res = await learner.client.post(`/hoc/${COURSE}/kiem-tra`, fields);
    if (res.status === 303 || res.status === 302) res = await learner.client.get(res.location);
    verifyPath = (res.text.match(/href="(\/xac-thuc\/[^"]+)"/) || [])[1] || null;
    if (!verifyPath) {
      const said = res.text.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      console.log(`# no certificate: the quiz answered ${res.status}: ${said.slice(0, 600)}`);
    }
  }

  // The assistant builds its index on the first question after a start
  // (seconds in a debug build): ask once so the audit measures the page, not that.
  {
    const anon = client();
    const chat = await anon.get('/tro-ly');
    await anon.post('/tro-ly', { ...hidden(chat.text), q: QUESTION });
  }

  // Who sees which page: 'anon' (no cookie), 'admin', 'learner'.
  const lesson = firstLesson(COURSE);
  const pages = [
    ['anon', '/dang-nhap'],
    ['anon', '/tro-ly'],
    ['anon', '/tro-ly', QUESTION],
    ['anon', '/hoc'],
    ['anon', `/hoc/${COURSE}`],
    ['anon', `/hoc/${COURSE}/${lesson}`],
    ['anon', verifyPath],
    ['learner', `/hoc/${COURSE}/kiem-tra`],
    ['admin', '/so-dan-cu'],
    ['admin', residentPath],
    ['admin', householdPath],
    ['admin', '/chi-tieu'],
    ['admin', '/chi-tieu/1'],
    ['admin', '/chi-tieu/1/nguoi'],
    ['admin', '/bao-cao'],
    ['admin', unitPath],
    ['admin', '/nguoi-dung'],
    ['admin', '/nhap'],
    ['admin', '/mo-hinh'],
    ['admin', '/nhat-ky'],
    ['admin', '/tro-ly/cau-hoi'],
    ['admin', '/tro-ly/thu-tuc'],
    ['admin', '/hoc'],
    ['admin', '/don-vi'],
    ['admin', '/thiet-lap'],
    ['admin', '/xom'],
  ];
  const cookies = { anon: null, admin: admin.cookie, learner: learner.cookie };

  const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: CHROME_FLAGS, logLevel: 'silent' });
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });
  const rows = [];
  let failed = false;
  try {
    const version = await browser.version();
    console.log(`# lighthouse 12.2.3 (mobile, simulated throttling), ${version}, ${BASE}`);
    for (const [who, path, question] of pages) {
      const name = `${question ? `${path} after asking "${question}"` : path || '(missing)'}${who === 'anon' ? '' : ` (${who})`}`;
      if (!path) {
        console.log(`# skip ${name}: no such page in this run`);
        rows.push({ name, scores: {}, lost: [], warnings: ['page not found in this run'] });
        failed = true;
        continue;
      }
      if (ONLY && !ONLY.test(path)) continue;
      const t = Date.now();
      const flags = {
        logLevel: 'error',
        output: 'json',
        onlyCategories: CATEGORIES,
        extraHeaders: cookies[who] ? { Cookie: cookies[who] } : undefined,
      };
      // Nothing of an earlier page's login may leak into this one.
      const page = await browser.newPage();
      const cdp = await page.createCDPSession();
      await cdp.send('Network.clearBrowserCookies');
      await cdp.detach();
      let lhr;
      try {
        if (question) {
          // A POST: audit the navigation that sending the question makes.
          await page.goto(BASE + path, { waitUntil: 'load' });
          const flow = await startFlow(page, { flags });
          await flow.navigate(
            async () => {
              await page.type('input[name=q]', question);
              await page.click('form#hoi button[type=submit]');
            },
            { skipAboutBlank: true },
          );
          lhr = (await flow.createFlowResult()).steps[0].lhr;
          const answered = await page.$('.chat .bot');
          if (!answered) throw new Error(`${name}: sending the question showed no answer (${page.url()})`);
        } else {
          const r = await lighthouse(BASE + path, flags, undefined, page);
          lhr = r.lhr;
        }
      } finally {
        await page.close().catch(() => {});
      }
      if (lhr.runtimeError) throw new Error(`${name}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      const final = new URL(lhr.finalDisplayedUrl);
      const s = summarize(lhr);
      if (final.pathname !== path) {
        // A redirect (to /dang-nhap: the cookie did not work) audits the wrong page.
        s.warnings.push(`ended at ${final.pathname}, not ${path}: not counted`);
        s.scores = {};
        failed = true;
      }
      rows.push({ name, ...s });
      if (OUT) {
        mkdirSync(OUT, { recursive: true });
        const file = `${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.json`;
        writeFileSync(join(OUT, file), JSON.stringify(lhr));
      }
      const cells = CATEGORIES.map((c) => s.scores[c] ?? '–').join(' / ');
      console.log(`# ${name}: ${cells} [${((Date.now() - t) / 1000).toFixed(1)} s]`);
    }
  } finally {
    await browser.disconnect().catch(() => {});
    await chrome.kill();
  }

  // The table, then what lost points.
  const head = ['page', 'performance', 'accessibility', 'best-practices', 'SEO'];
  const body = rows.map((r) => [r.name, ...CATEGORIES.map((c) => (r.scores[c] ?? '–').toString())]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cols) => `| ${cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log('');
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const b of body) console.log(line(b));
  console.log('');
  for (const r of rows) {
    const low = CATEGORIES.filter((c) => r.scores[c] === undefined || r.scores[c] === null || r.scores[c] < MIN);
    if (low.length) failed = true;
    if (!r.lost.length && !r.warnings.length) continue;
    console.log(`${r.name}:`);
    for (const a of r.lost) {
      const where = a.items.length ? ` — ${a.items.join(', ')}` : '';
      console.log(`  ${a.category}: ${a.id} "${a.title}" (score ${a.score.toFixed(2)}${a.value ? `, ${a.value}` : ''})${where}`);
    }
    for (const w of r.warnings) console.log(`  warning: ${typeof w === 'string' ? w : JSON.stringify(w)}`);
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  console.log(`# ${rows.length} pages in ${secs} s; ${failed ? `some score is below ${MIN}` : `every score is ${MIN} or more`}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exitCode = 2;
  },
);
