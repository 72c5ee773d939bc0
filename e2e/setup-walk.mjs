// The set-up walk: from an EMPTY install (no --demo) to a team member who
// logs in with the one-time password printed for them and sees only their
// hamlet, in a phone-sized headless Chromium, with real clicks and typing.
//
//   cd e2e && npm ci && node setup-walk.mjs
//
// Environment: as run.mjs (HOCVUSO_BIN, CHROMIUM_PATH, E2E_KEEP_DATA=1).
//
// The admin follows the /thiet-lap checklist as an office would: commune and
// province, two hamlets, a resident list (a CSV written at run time), a primary
// school and its class list, the office with two officials, the first
// hamlet's community digital team with two members, and accounts for the whole
// team at once (a sheet of one-time passwords). The indicators' denominators
// follow what was entered. Then a team member logs in with the password read
// off the sheet. Prints one line per step, screenshots in
// e2e/artifacts/setup-walk/, exits non-zero if any step failed.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HERE,
  STEP_TIMEOUT,
  VIEWPORT,
  useArtifacts,
  step,
  skip,
  harnessFailed,
  tally,
  assert,
  findings,
  fold,
  startServer,
  cspViolations,
  launchBrowser,
  expectText,
  submitButton,
  login,
  changePassword,
  pathIs,
  navLink,
  axeStep,
  writeAxeReport,
} from './lib.mjs';

const ARTIFACTS = join(HERE, 'artifacts', 'setup-walk');
useArtifacts(ARTIFACTS);

const ADMIN_PASSWORD = 'Lua-nuong-Na-May-2026';
const MEMBER_PASSWORD = 'To-cong-nghe-so-Khuon-Lang';
const COMMUNE = 'Dân Tiến';
const PROVINCE = 'Thái Nguyên';
/** Typed as an office types them; the page writes "Xóm …". */
const HAMLETS_TYPED = ['khuôn lặng', 'Na Mấy'];
const HAMLETS = ['Xóm Khuôn Lặng', 'Xóm Na Mấy'];
const SCHOOL = 'Trường Tiểu học Dân Tiến';
const OFFICE = 'Văn phòng HĐND và UBND xã';
const STEPS = 7; // the checklist's steps (setup.rs)

// ---------------------------------------------------------------- the people

const NOW = new Date();
const YEAR = NOW.getFullYear();
/** The school year now running starts in September. */
const SCHOOL_YEAR = NOW.getMonth() >= 8 ? YEAR : YEAR - 1;

/**
 * Ten people in four households, two in each hamlet (h: index in HAMLETS),
 * with two children of primary-school age (born 8 and 10 years ago, so the
 * test does not age). Adults carry a citizen ID (Thái Nguyên's code 019,
 * century/sex digit and year as the ID encodes them).
 */
const PEOPLE = [
  { name: 'Nông Văn Khởi', birth: '14/02/1975', sex: 'Nam', eth: 'Tày', h: 0, rel: 'Chủ hộ' },
  { name: 'Hà Thị Lụa', birth: '1978', sex: 'Nữ', eth: 'Tày', h: 0, rel: 'Vợ' },
  { name: 'Nông Minh Đức', birth: `14/03/${YEAR - 8}`, sex: 'Nam', eth: 'Tày', h: 0, rel: 'Con', child: true },
  { name: 'Hoàng Văn Tiến', birth: '05/06/1985', sex: 'Nam', eth: 'Tày', h: 0, rel: 'Chủ hộ' },
  { name: 'Lường Thị Hoa', birth: '1988', sex: 'Nữ', eth: 'Thái', h: 0, rel: 'Vợ' },
  { name: 'Hoàng Thị Mai', birth: '2010', sex: 'Nữ', eth: 'Tày', h: 0, rel: 'Con' },
  { name: 'Triệu Văn Sềnh', birth: '1970', sex: 'Nam', eth: 'Dao', h: 1, rel: 'Chủ hộ' },
  { name: 'Bàn Thị Mảy', birth: '05/05/1973', sex: 'Nữ', eth: 'Dao', h: 1, rel: 'Vợ' },
  { name: 'Triệu Thị Hồng', birth: `02/09/${YEAR - 10}`, sex: 'Nữ', eth: 'Dao', h: 1, rel: 'Con', child: true },
  { name: 'Đặng Thị Hương', birth: '21/12/1990', sex: 'Nữ', eth: 'Kinh', h: 1, rel: 'Chủ hộ' },
];
const byName = (n) => PEOPLE.find((p) => p.name === n);
const OFFICIALS = [
  { person: byName('Hoàng Văn Tiến'), position: 'Công chức Văn phòng – Thống kê' },
  { person: byName('Đặng Thị Hương'), position: 'Công chức Tư pháp – Hộ tịch' },
];
const TEAM = [
  { person: byName('Nông Văn Khởi'), position: 'Tổ trưởng' },
  { person: byName('Hà Thị Lụa'), position: 'Tổ viên' },
];
const CHILDREN = PEOPLE.filter((p) => p.child);
const HOUSEHOLDS = PEOPLE.filter((p) => p.rel === 'Chủ hộ').length;

function birthYear(p) {
  return Number(p.birth.slice(-4));
}

/** Twelve digits: province 019, century/sex, two digits of the year, six more. */
function citizenId(p, i) {
  const y = birthYear(p);
  const digit = 2 * Math.floor((y - 1900) / 100) + (p.sex === 'Nữ' ? 1 : 0);
  return `019${digit}${String(y % 100).padStart(2, '0')}${String(314159 + 1009 * i).slice(-6)}`;
}

/** The class a child of this birth year sits in now ("3A"): lớp 1 the year they turn 6. */
function classOf(p, letter) {
  return `${SCHOOL_YEAR - birthYear(p) - 5}${letter}`;
}

const csvCell = (s) => (/[",;\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The resident list, UTF-8 with BOM as Excel saves "CSV UTF-8". */
function residentsCsv() {
  const lines = ['Họ và tên,Ngày sinh,Giới tính,Dân tộc,Xóm,Quan hệ với chủ hộ,Số CCCD'];
  PEOPLE.forEach((p, i) => {
    const id = birthYear(p) <= YEAR - 18 ? citizenId(p, i) : '';
    lines.push([p.name, p.birth, p.sex, p.eth, HAMLETS[p.h], p.rel, id].map(csvCell).join(','));
  });
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/** The school's class list: the two children, matched by name and birth date. */
function classListCsv() {
  const lines = ['STT,Họ và tên,Ngày sinh,Lớp'];
  CHILDREN.forEach((p, i) => lines.push([String(i + 1), p.name, p.birth, classOf(p, i === 0 ? 'A' : 'B')].map(csvCell).join(',')));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------- page helpers

/** The checklist as shown: [{ n, title, done, detail }]. */
async function readChecklist(page) {
  return page.locator('ol.steps > li').evaluateAll((lis) =>
    lis.map((li, i) => {
      const h2 = li.querySelector('h2');
      const tag = h2 && h2.querySelector('.tag');
      const title = h2 ? h2.textContent.replace(tag ? tag.textContent : '', '').replace(/^\s*\d+\.\s*/, '').trim() : '';
      return {
        n: i + 1,
        title,
        tag: tag ? tag.textContent.trim() : '',
        done: li.classList.contains('done'),
        detail: (li.querySelector('p') || { textContent: '' }).textContent.trim(),
      };
    }),
  );
}

const describeSteps = (list) => list.map((s) => `${s.n}. ${s.title}: ${s.tag} (${s.detail})`).join('\n');

async function noScroll(page) {
  const m = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert(m[0] <= m[1] + 1, `horizontal scroll on ${new URL(page.url()).pathname}: scrollWidth ${m[0]} > innerWidth ${m[1]}`);
}

/** On /don-vi: creates a unit; lands on its page. Returns its path. */
async function createUnit(page, name, type, level) {
  await page.goto('/don-vi');
  await page.getByLabel('Tên đơn vị').fill(name);
  await page.getByLabel('Loại đơn vị').selectOption({ label: type });
  if (level) await page.getByLabel(/^Cấp học/).selectOption({ label: level });
  await Promise.all([page.waitForURL((u) => /^\/don-vi\/\d+$/.test(u.pathname)), (await submitButton(page, 'Thêm đơn vị')).click()]);
  const h1 = (await page.locator('h1').innerText()).trim();
  assert(h1 === name, `h1 is "${h1}", expected "${name}"`);
  await expectText(page, 'Đã thêm đơn vị');
  return new URL(page.url()).pathname;
}

/**
 * On a unit's page: finds a person by their name typed without diacritics,
 * adds them with a position and a category, and checks the members' table.
 */
async function addMember(page, person, position, category) {
  const folded = fold(person.name);
  const q = page.getByRole('textbox', { name: /^Tìm người trong sổ dân cư/ });
  await q.fill(folded);
  await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === folded), (await submitButton(page, 'Tìm')).click()]);
  const hit = page.locator('ul.found > li', { has: page.locator('strong', { hasText: person.name }) }).first();
  await hit.waitFor({ state: 'visible' });
  const about = (await hit.locator('.muted').first().innerText()).trim();
  assert(about.includes(HAMLETS[person.h]), `"${person.name}" is listed as "${about}", expected in ${HAMLETS[person.h]}`);
  await hit.getByLabel('Chức vụ').fill(position);
  await hit.getByLabel('Loại').selectOption({ label: category });
  await Promise.all([page.waitForURL((u) => u.searchParams.get('xong') === 'them'), hit.getByRole('button', { name: /^Thêm vào đơn vị/ }).click()]);
  await expectText(page, 'Đã ghi người này vào đơn vị');
  const row = page.locator('#thanh-vien ~ div table tr', { has: page.getByRole('link', { name: person.name, exact: true }) }).first();
  await row.waitFor({ state: 'visible' });
  const text = (await row.innerText()).replace(/\s+/g, ' ').trim();
  assert(text.includes(position) && text.includes(category), `the members' row says "${text}"`);
  return `"${folded}" → ${person.name}, ${position}, ${category}`;
}

/** The members' count in a unit page's "Thành viên (N)" heading. */
async function memberCount(page) {
  const h = (await page.locator('h2#thanh-vien').innerText()).trim();
  return Number((h.match(/\((\d+)\)/) || [])[1]);
}

/** The /chi-tieu cards: code → { numerator, denominator, text }. */
async function readIndicators(page) {
  const cards = await page.locator('section.card.indicator').evaluateAll((ss) =>
    ss.map((s) => {
      const title = (s.querySelector('h2') || { textContent: '' }).textContent.trim();
      const ratio = [...s.querySelectorAll('p.muted')].map((p) => p.textContent.trim()).find((t) => /^\d[\d.]*\/\d[\d.]*/.test(t)) || '';
      return { title, ratio };
    }),
  );
  const out = {};
  for (const c of cards) {
    const code = (c.title.match(/^(\w+)\./) || [])[1];
    const m = c.ratio.match(/^(\d[\d.]*)\/(\d[\d.]*)/);
    if (code) out[code] = { title: c.title, text: c.ratio, numerator: m ? Number(m[1].replace(/\./g, '')) : null, denominator: m ? Number(m[2].replace(/\./g, '')) : null };
  }
  return out;
}

// ---------------------------------------------------------------- main

async function main() {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), 'hocvuso-setup-'));
  const dataDir = join(workDir, 'data');
  let server = null;
  let browser = null;
  const t0 = Date.now();

  const cleanup = async () => {
    if (browser) await browser.close().catch(() => {});
    browser = null;
    if (server) await server.stop();
    server = null;
    if (!process.env.E2E_KEEP_DATA) rmSync(workDir, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, async () => {
      await cleanup();
      process.exit(130);
    });
  }

  try {
    console.log('# set-up walk from an empty install (no --demo)');
    server = await startServer(dataDir);
    const base = server.url;
    console.log(`# server ${base} up after ${((Date.now() - t0) / 1000).toFixed(1)} s; data in ${dataDir}`);
    browser = await launchBrowser();
    console.log(`# chromium ${browser.version()}, viewport 360x740 @2x, mobile`);
    const context = await browser.newContext({ ...VIEWPORT, baseURL: base });
    context.setDefaultTimeout(STEP_TIMEOUT);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT);
    const page = await context.newPage();
    const serverErrors = [];
    page.on('response', (r) => {
      if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.url()}`);
    });
    await walk(page, base, server, workDir);
    await step(null, 'no server errors (5xx) during the walk', async () => {
      assert(serverErrors.length === 0, serverErrors.join(', '));
    });
    await step(null, 'no Content-Security-Policy violations during the walk', async () => {
      assert(cspViolations.length === 0, cspViolations.join('\n'));
    });
  } catch (err) {
    harnessFailed(err);
  } finally {
    await cleanup();
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    writeAxeReport();
    const t = tally();
    console.log(`# ${t.steps} steps, ${t.passed} passed, ${t.failures} failed, ${secs} s; screenshots in ${ARTIFACTS}`);
  }
}

async function walk(page, base, server, workDir) {
  // ------------------------------------------------ first login
  console.log('# 1. first login on an empty install');
  const started = await step(page, "the first run prints the admin's one-time password and says the registry is empty", async () => {
    const out = server.out();
    assert(server.password, `no one-time password in the server's output:\n${out}`);
    assert(out.includes('Sổ dân cư đang trống'), `the output does not say the registry is empty:\n${out}`);
    return `"${out.split('\n').find((l) => l.includes('mật khẩu một lần')).replace(server.password, '…')}"`;
  });
  const changed =
    started &&
    (await step(page, 'admin logs in with it and must change it on /doi-mat-khau', async () => {
      await page.goto('/dang-nhap');
      await login(page, base, 'admin', server.password);
      await page.waitForURL(pathIs('/doi-mat-khau'));
      await expectText(page, 'Bạn đang dùng mật khẩu một lần');
    }));
  if (changed) await axeStep(page, 'the forced password change (/doi-mat-khau)', null);
  const relogged =
    changed &&
    (await step(page, 'a new password is set; logging in again lands on the checklist /thiet-lap', async () => {
      await changePassword(page, server.password, ADMIN_PASSWORD);
      await expectText(page, 'Đã đổi mật khẩu, mời đăng nhập lại bằng mật khẩu mới');
      await login(page, base, 'admin', ADMIN_PASSWORD);
      await page.waitForURL(pathIs('/thiet-lap'));
      await page.getByRole('heading', { name: 'Thiết lập xã', level: 1 }).waitFor();
    }));
  if (!relogged) {
    skip(['the set-up walk'], 'no admin session');
    return;
  }

  // ------------------------------------------------ the checklist, empty
  await step(page, `the checklist shows 0/${STEPS} steps done, every step "Chưa xong"`, async () => {
    const count = (await expectText(page, /\d+\/\d+ bước đã xong/).then((l) => l.innerText())).trim();
    const list = await readChecklist(page);
    assert(list.length === STEPS, `${list.length} steps listed:\n${describeSteps(list)}`);
    const done = list.filter((s) => s.done || s.tag !== 'Chưa xong');
    if (done.length) throw findings(`already done on an empty install:\n${describeSteps(done)}`);
    assert(count === `0/${STEPS} bước đã xong`, `the page says "${count}"`);
    await noScroll(page);
    return `"${count}": ${list.map((s) => s.title).join(' · ')}`;
  });
  await axeStep(page, 'the empty checklist (/thiet-lap)', null);

  // ------------------------------------------------ 2. commune and province
  console.log('# 2. commune, hamlets');
  await step(page, `the commune's name and province are saved: step 1 "Đã xong"`, async () => {
    await page.goto('/thiet-lap');
    await page.getByLabel('Tên xã').fill(COMMUNE);
    await page.getByLabel('Tỉnh').fill(PROVINCE);
    await Promise.all([page.waitForURL((u) => u.searchParams.get('xong') === 'xa'), (await submitButton(page, 'Lưu tên xã và tỉnh')).click()]);
    await expectText(page, 'Đã lưu tên xã và tỉnh.');
    const first = (await readChecklist(page))[0];
    assert(first.done && first.tag === 'Đã xong', `step 1: ${describeSteps([first])}`);
    assert(first.detail === `xã ${COMMUNE}, tỉnh ${PROVINCE}`, `step 1 says "${first.detail}"`);
    return `"${first.detail}"`;
  });

  // ------------------------------------------------ hamlets
  const hamletsOk = await step(page, `two hamlets are added on /xom ("${HAMLETS_TYPED.join('", "')}")`, async () => {
    await page.goto('/thiet-lap');
    await Promise.all([page.waitForURL(pathIs('/xom')), page.getByRole('link', { name: 'Thêm xóm', exact: true }).click()]);
    for (let i = 0; i < HAMLETS.length; i++) {
      await page.getByLabel(/^Thêm xóm/).fill(HAMLETS_TYPED[i]);
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/xom'),
        (await submitButton(page, 'Thêm xóm')).click(),
      ]);
      await page.waitForLoadState('load');
      await expectText(page, `Đã thêm ${HAMLETS[i]}`);
    }
    const rows = await page.locator('table tbody tr td:first-child').allInnerTexts();
    const names = rows.map((r) => r.trim());
    for (const h of HAMLETS) assert(names.includes(h), `"${h}" not in the hamlets' table: ${names.join(', ')}`);
    await expectText(page, `Các xóm (${HAMLETS.length})`);
    await noScroll(page);
    return names.join(', ');
  });
  await axeStep(page, 'the hamlets (/xom)', null);
  await step(page, "each hamlet comes with its community digital team on /don-vi", async () => {
    await page.goto('/don-vi');
    const teams = [];
    for (const h of HAMLETS) {
      const row = page.locator('tr', { has: page.getByRole('link', { name: /^Tổ công nghệ số cộng đồng/ }) }).filter({ hasText: h }).first();
      await row.waitFor({ state: 'visible' });
      teams.push((await row.getByRole('link').innerText()).trim());
    }
    return teams.join(', ');
  });

  // ------------------------------------------------ 3. residents
  console.log('# 3. import the resident list');
  const csvPath = join(workDir, 'cu-dan.csv');
  const csv = residentsCsv();
  writeFileSync(csvPath, csv, 'utf8');
  writeFileSync(join(ARTIFACTS, 'cu-dan.csv'), csv, 'utf8');
  let imported = false;
  const previewed =
    hamletsOk &&
    (await step(page, `the resident list (CSV, ${PEOPLE.length} people, two hamlets) is uploaded from the checklist: preview without errors`, async () => {
      await page.goto('/thiet-lap');
      await Promise.all([page.waitForURL(pathIs('/nhap')), page.getByRole('link', { name: 'Nhập từ Excel', exact: true }).click()]);
      await page.getByLabel('Tệp').setInputFiles(csvPath);
      await Promise.all([page.waitForURL((u) => /^\/nhap\/[^/]+$/.test(u.pathname)), (await submitButton(page, 'Tải lên và xem trước')).click()]);
      await page.getByRole('heading', { name: /^Xem trước:/ }).waitFor();
      const errs = await page.locator('table.errors tbody tr').allInnerTexts();
      if (errs.length) throw findings(`the preview lists errors:\n${errs.join('\n')}`);
      const summary = (await page.locator('main p.muted').first().innerText()).trim();
      assert(summary.includes(`${PEOPLE.length} dòng hợp lệ`) && summary.includes('0 lỗi'), `the preview says "${summary}"`);
      for (const h of HAMLETS) await expectText(page, h, { exact: true });
      await page.getByRole('button', { name: `Nhập ${PEOPLE.length} người vào sổ`, exact: true }).waitFor();
      return `"${summary}"`;
    }));
  if (previewed) {
    await axeStep(page, 'the import preview', null);
    imported = await step(page, 'confirming imports them: the progress page ends with "Kết quả nhập"', async () => {
      await Promise.all([
        page.waitForURL((u) => /^\/nhap\/[^/]+\/tien-do$/.test(u.pathname)),
        page.getByRole('button', { name: `Nhập ${PEOPLE.length} người vào sổ`, exact: true }).click(),
      ]);
      await page.getByRole('heading', { name: 'Kết quả nhập', exact: true }).waitFor({ timeout: 60_000 });
      const text = (await page.locator('p.note', { hasText: 'người mới' }).innerText()).trim();
      const m = text.match(/(\d+) người mới, \d+ người được cập nhật, \d+ người không đổi, (\d+) hộ mới/);
      assert(m, `no summary in "${text}"`);
      assert(Number(m[1]) === PEOPLE.length, `expected ${PEOPLE.length} người mới: "${text}"`);
      assert(Number(m[2]) === HOUSEHOLDS, `expected ${HOUSEHOLDS} hộ mới: "${text}"`);
      return `"${text}"`;
    });
    if (imported) await axeStep(page, 'the import result', null);
  } else {
    skip(['confirming imports them: the progress page ends with "Kết quả nhập"'], 'no preview');
  }
  // Ids of one person in each hamlet, for the team member's checks at the end.
  const ids = {};
  if (imported) {
    await step(page, `the registry holds ${PEOPLE.length} people; read one resident of each hamlet`, async () => {
      await page.getByRole('link', { name: 'Xem sổ dân cư' }).click();
      await page.waitForURL(pathIs('/so-dan-cu'));
      const line = (await expectText(page, /\d[\d.]* người · trang/).then((l) => l.innerText())).trim();
      assert(line.startsWith(`${PEOPLE.length} người`), `the registry says "${line}"`);
      for (const p of [byName('Hoàng Thị Mai'), byName('Bàn Thị Mảy')]) {
        const li = page.locator('ul.list > li', { has: page.locator('strong', { hasText: p.name }) }).first();
        const text = await li.innerText();
        assert(text.includes(HAMLETS[p.h]), `"${p.name}" is listed as "${text}"`);
        ids[p.name] = await li.locator('a[href^="/cu-dan/"]').getAttribute('href');
      }
      return Object.entries(ids).map(([n, h]) => `${n} ${h}`).join(', ');
    });
  } else {
    skip([`the registry holds ${PEOPLE.length} people; read one resident of each hamlet`], 'import failed');
  }

  // ------------------------------------------------ 4. the school and its class list
  console.log('# 4. the school and its class list');
  let schoolPath = null;
  await step(page, `"${SCHOOL}" is created as Trường học, cấp Tiểu học`, async () => {
    schoolPath = await createUnit(page, SCHOOL, 'Trường học', 'Tiểu học');
    await expectText(page, 'Trường học · Tiểu học · đang hoạt động');
    await noScroll(page);
    return schoolPath;
  });
  const students = imported && schoolPath ? await classList(page, schoolPath, workDir) : null;
  if (!(imported && schoolPath)) skip(["the school's class list is imported"], 'no school or no residents');

  // ------------------------------------------------ 5. the office and its officials
  console.log('# 5. the office with two officials');
  let officePath = null;
  await step(page, `"${OFFICE}" is created`, async () => {
    officePath = await createUnit(page, OFFICE, 'Văn phòng HĐND và UBND');
    await expectText(page, 'Văn phòng HĐND và UBND · đang hoạt động');
    return officePath;
  });
  for (const o of OFFICIALS) {
    const label = `${o.person.name} is found in the registry and added as "Công chức"`;
    if (officePath && imported) await step(page, label, () => addMember(page, o.person, o.position, 'Công chức'));
    else skip([label], 'no office or no residents');
  }

  // ------------------------------------------------ 6. the team and its accounts
  console.log("# 6. the first hamlet's community digital team: two members, their accounts");
  let teamPath = null;
  let teamName = null;
  const teamOpened = await step(page, `the team of ${HAMLETS[0]} (made with the hamlet) opens from /don-vi`, async () => {
    await page.goto('/don-vi');
    const row = page.locator('tr', { has: page.getByRole('link', { name: /^Tổ công nghệ số cộng đồng/ }) }).filter({ hasText: HAMLETS[0] }).first();
    const link = row.getByRole('link');
    teamName = (await link.innerText()).trim();
    await Promise.all([page.waitForURL((u) => /^\/don-vi\/\d+$/.test(u.pathname)), link.click()]);
    teamPath = new URL(page.url()).pathname;
    await expectText(page, `Tổ công nghệ số cộng đồng · ${HAMLETS[0]} · đang hoạt động`);
    assert((await memberCount(page)) === 0, 'the new team already has members');
    return `${teamName} ${teamPath}`;
  });
  for (const m of TEAM) {
    const label = `${m.person.name} is added to the team as "Thành viên tổ"`;
    if (teamOpened && imported) await step(page, label, () => addMember(page, m.person, m.position, 'Thành viên tổ'));
    else skip([label], 'no team or no residents');
  }
  let card = null;
  const sheet =
    teamOpened &&
    imported &&
    (await step(page, '"Tạo tài khoản cho cả tổ" gives a sheet with a username and one-time password per member', async () => {
      await page.goto(teamPath);
      assert((await memberCount(page)) === TEAM.length, `the team has ${await memberCount(page)} members`);
      const button = page.getByRole('button', { name: 'Tạo tài khoản cho cả tổ', exact: true });
      assert((await button.count()) === 1, `no "Tạo tài khoản cho cả tổ" button on ${teamPath}`);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `${teamPath}/tai-khoan`),
        button.click(),
      ]);
      await page.waitForLoadState('load');
      assert(response.status() === 200, `the sheet answered ${response.status()}`);
      const cache = response.headers()['cache-control'] || '';
      assert(cache.includes('no-store'), `the sheet may be kept by the browser: Cache-Control "${cache}"`);
      await expectText(page, `Đã tạo ${TEAM.length} tài khoản cho ${teamName}.`);
      // One card per member: its <dt> labels, each <dd>'s <code> (or text).
      const cards = await page.locator('section.the-tk').evaluateAll((ss) =>
        ss.map((s) => {
          const field = {};
          for (const dt of s.querySelectorAll('dt')) {
            const dd = dt.nextElementSibling;
            const value = dd && (dd.querySelector('code') || dd);
            field[dt.textContent.trim()] = value ? value.textContent.trim() : '';
          }
          const text = (sel) => (s.querySelector(sel) || { textContent: '' }).textContent.trim();
          return { name: text('h2'), about: text('p'), username: field['Tên đăng nhập'], password: field['Mật khẩu một lần'], url: field['Địa chỉ đăng nhập'] };
        }),
      );
      const names = cards.map((c) => c.name).sort();
      assert(JSON.stringify(names) === JSON.stringify(TEAM.map((m) => m.person.name).sort()), `cards for ${names.join(', ')}`);
      for (const c of cards) {
        assert(c.username && c.password, `card of ${c.name} lacks a username or password: ${JSON.stringify(c)}`);
        assert(c.about.includes(HAMLETS[0]) && c.about.includes('Thành viên Tổ công nghệ số cộng đồng'), `card of ${c.name} says "${c.about}"`);
        assert(c.url === `${base}/dang-nhap`, `card of ${c.name} sends to "${c.url}"`);
      }
      assert(new Set(cards.map((c) => c.password)).size === cards.length, 'two cards have the same password');
      card = cards.find((c) => c.name === TEAM[0].person.name);
      return cards.map((c) => `${c.name}: ${c.username}`).join(', ');
    }));
  if (sheet) {
    await axeStep(page, 'the sheet of one-time passwords', null);
  } else {
    skip(['axe-core: the sheet of one-time passwords has no violations'], 'no sheet');
  }

  // ------------------------------------------------ 7. indicators and the checklist
  console.log('# 7. indicators and the checklist, done');
  await step(page, '/chi-tieu counts the officials (indicator 1), the students (2) and the team (4)', async () => {
    await (await navLink(page, 'Chỉ tiêu')).click();
    await page.waitForURL(pathIs('/chi-tieu'));
    const ind = await readIndicators(page);
    const bad = [];
    const expect = { 1: OFFICIALS.length, 4: TEAM.length };
    if (students !== null) expect[2] = students;
    for (const [code, n] of Object.entries(expect)) {
      const c = ind[code];
      if (!c) bad.push(`no card for indicator ${code}`);
      else if (c.denominator !== n) bad.push(`indicator ${code}: denominator ${c.denominator} ("${c.text}"), expected ${n}`);
    }
    if (students === null) bad.push(`indicator 2 not checked: no class list was imported (it shows "${ind[2] && ind[2].text}")`);
    if (bad.length) throw findings(bad.join('\n'));
    return Object.keys(expect).map((k) => `${k}: ${ind[k].text}`).join('; ');
  });
  await step(page, `the checklist now shows ${STEPS}/${STEPS} steps "Đã xong"`, async () => {
    await page.goto('/thiet-lap');
    const list = await readChecklist(page);
    const open = list.filter((s) => !s.done || s.tag !== 'Đã xong');
    if (open.length) throw findings(`not done:\n${describeSteps(open)}`);
    await expectText(page, `${STEPS}/${STEPS} bước đã xong`);
    return list.map((s) => s.detail).join(' · ');
  });

  // ------------------------------------------------ 8. the team member
  console.log('# 8. a team member logs in with the printed password');
  const loggedOut = await step(page, '"Đăng xuất" returns to the login page', async () => {
    await Promise.all([page.waitForURL(pathIs('/dang-nhap')), (await navLink(page, 'Đăng xuất', 'button')).click()]);
    await page.getByLabel('Tên đăng nhập').waitFor();
  });
  const memberLabel = `${TEAM[0].person.name} logs in with the printed one-time password, changes it, lands on the registry`;
  const member =
    loggedOut &&
    card &&
    (await step(page, memberLabel, async () => {
      await login(page, base, card.username, card.password);
      await page.waitForURL(pathIs('/doi-mat-khau'));
      await changePassword(page, card.password, MEMBER_PASSWORD);
      await login(page, base, card.username, MEMBER_PASSWORD);
      await page.waitForURL(pathIs('/so-dan-cu'));
      await page.getByRole('heading', { name: 'Sổ dân cư' }).waitFor();
      return card.username;
    }));
  if (!(loggedOut && card)) skip([memberLabel], card ? 'logout failed' : 'no account sheet to read a password from');
  const scopeLabel = `the member sees only ${HAMLETS[0]}: the other hamlet's people are not listed, their page is 404`;
  if (member) {
    await step(page, scopeLabel, async () => {
      const own = PEOPLE.filter((p) => p.h === 0);
      const line = (await expectText(page, /\d[\d.]* người · trang/).then((l) => l.innerText())).trim();
      const listed = (await page.locator('ul.list > li a[href^="/cu-dan/"] strong').allInnerTexts()).map((s) => s.trim());
      const bad = [];
      if (!line.startsWith(`${own.length} người`)) bad.push(`the registry says "${line}", expected ${own.length} người`);
      for (const p of PEOPLE) {
        if (p.h === 0 && !listed.includes(p.name)) bad.push(`${p.name} (${HAMLETS[0]}) is not listed`);
        if (p.h !== 0 && listed.includes(p.name)) bad.push(`${p.name} (${HAMLETS[p.h]}) is listed`);
      }
      const rows = await page.locator('ul.list > li').allInnerTexts();
      for (const r of rows) if (!r.includes(HAMLETS[0])) bad.push(`a row outside ${HAMLETS[0]}: "${r.replace(/\s+/g, ' ')}"`);
      const other = ids['Bàn Thị Mảy'];
      const mine = ids['Hoàng Thị Mai'];
      if (other) {
        const r = await page.goto(other);
        if (r.status() !== 404) bad.push(`${other} (${HAMLETS[1]}) answered ${r.status()}, expected 404`);
      } else bad.push(`no id of a resident of ${HAMLETS[1]} was read`);
      if (mine) {
        const r = await page.goto(mine);
        if (r.status() !== 200) bad.push(`${mine} (${HAMLETS[0]}) answered ${r.status()}, expected 200`);
      }
      if (bad.length) throw findings(bad.join('\n'));
      return `"${line.split(' · ')[0]}"; ${other} → 404, ${mine} → 200`;
    });
  } else {
    skip([scopeLabel], card ? 'the member could not log in' : 'no account sheet to read a password from');
  }
}

// ---------------------------------------------------------------- the class list

/**
 * The school's class list (STT, name, birth date, class), imported from the
 * school's page: upload, preview (everyone matched to the registry by name and
 * birth date, in the class the file gives), confirm. Returns the number of
 * students of grade 1 and up written (what indicator 2 counts), or null when
 * nothing was written.
 */
async function classList(page, schoolPath, workDir) {
  const path = join(workDir, 'danh-sach-lop.csv');
  const csv = classListCsv();
  writeFileSync(path, csv, 'utf8');
  writeFileSync(join(ARTIFACTS, 'danh-sach-lop.csv'), csv, 'utf8');
  const expected = CHILDREN.map((p, i) => ({ name: p.name, cls: classOf(p, i === 0 ? 'A' : 'B'), grade: SCHOOL_YEAR - birthYear(p) - 5 }));
  const counted = expected.filter((e) => e.grade >= 1).length;
  let previewed = false;
  const opened = await step(page, `"Nhập danh sách học sinh (theo lớp)" on the school's page opens the class-list upload`, async () => {
    await page.goto(schoolPath);
    const link = page.getByRole('link', { name: 'Nhập danh sách học sinh (theo lớp)', exact: true });
    assert((await link.count()) === 1, `no link "Nhập danh sách học sinh (theo lớp)" on ${schoolPath}`);
    await Promise.all([page.waitForURL((u) => u.pathname === `${schoolPath}/nhap-danh-sach`), link.click()]);
    await page.getByRole('heading', { name: 'Nhập danh sách học sinh (theo lớp)', level: 1 }).waitFor();
    await expectText(page, SCHOOL, { exact: true });
    return new URL(page.url()).pathname + new URL(page.url()).search;
  });
  if (opened) await axeStep(page, 'the class-list upload', null);
  if (opened) {
    previewed = await step(page, `the class list (CSV, ${expected.length} students) previews: everyone matched by name and birth date, in their class`, async () => {
      await page.getByLabel('Tệp').setInputFiles(path);
      await Promise.all([
        page.waitForURL((u) => u.pathname.startsWith(`${schoolPath}/nhap-danh-sach/`)),
        (await submitButton(page, 'Tải lên và xem trước')).click(),
      ]);
      await page.getByRole('heading', { name: /xem trước$/, level: 1 }).waitFor();
      const summary = (await page.locator('main p.muted').first().innerText()).trim();
      const errs = await page.locator('table.errors tbody tr').allInnerTexts();
      if (errs.length) throw findings(`the preview lists errors ("${summary}"):\n${errs.join('\n')}`);
      assert(summary.includes(`${expected.length} người khớp sổ dân cư`) && summary.includes('0 người không tìm thấy') && summary.includes('0 lỗi'), `the preview says "${summary}"`);
      const rows = (await page.locator('table', { has: page.getByRole('columnheader', { name: 'Khớp theo' }) }).locator('tbody tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
      const bad = [];
      for (const e of expected) {
        const row = rows.find((r) => r.includes(e.name));
        if (!row) bad.push(`${e.name} is not in the matched table`);
        else if (!row.includes('họ tên và ngày sinh') || !row.includes(`Lớp ${e.cls} (lớp ${e.grade})`)) bad.push(`${e.name}: "${row}", expected matched by "họ tên và ngày sinh" in "Lớp ${e.cls} (lớp ${e.grade})"`);
      }
      if (bad.length) throw findings(bad.join('\n'));
      await page.getByRole('button', { name: `Ghi ${expected.length} người`, exact: true }).waitFor();
      return `"${summary}"; ${expected.map((e) => `${e.name} → ${e.cls}`).join(', ')}`;
    });
  } else {
    skip([`the class list (CSV, ${expected.length} students) previews: everyone matched by name and birth date, in their class`], 'no upload page');
  }
  if (previewed) await axeStep(page, 'the class-list preview', null);
  let written = false;
  if (previewed) {
    written = await step(page, `confirming writes the class list: back on the school's page`, async () => {
      await Promise.all([
        page.waitForURL((u) => u.pathname === schoolPath && u.searchParams.get('xong') === 'nhap-hoc-sinh'),
        page.getByRole('button', { name: `Ghi ${expected.length} người`, exact: true }).click(),
      ]);
      const note = (await page.getByRole('status').innerText()).trim();
      assert(note.startsWith('Đã ghi danh sách học sinh'), `the school's page says "${note}"`);
      // The school's page lists them by class.
      const heading = (await page.locator('h2#hoc-sinh').innerText()).trim();
      assert(heading === `Học sinh (${expected.length})`, `the students' heading says "${heading}"`);
      const missing = [];
      for (const e of expected) {
        const summary = page.locator('details summary', { hasText: `Lớp ${e.cls} (` });
        if ((await summary.count()) === 0) missing.push(`no class ${e.cls}`);
        else if (!(await summary.locator('..').textContent()).includes(e.name)) missing.push(`${e.name} not in ${e.cls}`);
      }
      assert(missing.length === 0, missing.join('; '));
      return `"${note}"; ${heading}`;
    });
  } else {
    skip(["confirming writes the class list: back on the school's page"], 'no preview');
  }
  return written ? counted : null;
}

await main();
process.exitCode = tally().failures > 0 ? 1 : 0;
