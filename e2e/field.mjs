// Section 12 of run.mjs (issue 14): the field app on a team member's phone.
// A team member logs in, loads the hamlet, the network is cut (CDP
// offline), three visits are recorded, the page shows 3 waiting, the
// browser is closed and launched again on the same profile, the network
// returns, and the server holds exactly those visits; sending the same
// batch again changes nothing. The "no one left behind" list shrinks as
// milestones are ticked.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, STEP_TIMEOUT, VIEWPORT, step, assert, launchPersistent, login, changePassword, pathIs, navLink, axeStep } from './lib.mjs';

const PASSWORD = 'Di-tung-ngo-go-tung-nha-2026';

/** The number of records the page says are waiting. */
async function waiting(page) {
  const v = await page.locator('#cho-gui').getAttribute('data-cho');
  return Number(v);
}

async function waitingIs(page, n) {
  await page.waitForFunction((want) => {
    const e = document.getElementById('cho-gui');
    return e && e.getAttribute('data-cho') === String(want);
  }, n, { timeout: STEP_TIMEOUT });
}

/** "N người chưa đạt mốc này": N. */
async function notReached(page) {
  const t = await page.locator('#chua-dat-dem').innerText();
  return Number(t.split(' ')[0]);
}

export async function fieldApp(base, dataDir, serverErrors) {
  // A hamlet of the demo and a team member's account in it.
  const units = JSON.parse(execFileSync(BIN, ['--data-dir', dataDir, 'unit', 'list', '--json'], { encoding: 'utf8' }));
  const team = units.find((u) => u.type === 'to_cnscd' && u.hamlet);
  if (!team) {
    await step(null, 'the demo has a community digital team in a hamlet', async () => assert(false, 'no to_cnscd unit with a hamlet'));
    return;
  }
  const out = execFileSync(BIN, ['--data-dir', dataDir, 'user', 'add', 'tothucdia', '--role', 'to_cnscd', '--hamlet', team.hamlet, '--name', 'Thành viên Tổ thử'], { encoding: 'utf8' });
  const oneTime = out.match(/Mật khẩu một lần: (\S+)/)[1];
  const profile = mkdtempSync(join(tmpdir(), 'hocvuso-phone-'));
  const open = async (offline) => {
    const ctx = await launchPersistent(profile, { ...VIEWPORT, baseURL: base, offline });
    ctx.setDefaultTimeout(STEP_TIMEOUT);
    const page = ctx.pages()[0] || (await ctx.newPage());
    page.on('response', (r) => {
      if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.url()}`);
    });
    return { ctx, page };
  };
  let { ctx, page } = await open(false);
  let sent = [];
  try {
    const loaded = await step(page, `a team member of ${team.hamlet} logs in and loads the hamlet onto the phone`, async () => {
      await page.goto('/dang-nhap');
      await login(page, base, 'tothucdia', oneTime);
      await page.waitForURL(pathIs('/doi-mat-khau'));
      await changePassword(page, oneTime, PASSWORD);
      await login(page, base, 'tothucdia', PASSWORD);
      await (await navLink(page, 'Đi thực địa')).click();
      await page.waitForURL(pathIs('/thuc-dia'));
      await page.locator('#ds-ho button[data-ho]').first().waitFor();
      await waitingIs(page, 0);
      // The service worker takes over, and keeps the page for offline use.
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.reload();
      await page.locator('#ds-ho button[data-ho]').first().waitFor();
      const controlled = await page.evaluate(() => !!navigator.serviceWorker.controller);
      assert(controlled, 'the service worker does not control the page');
      return await page.locator('#danh-sach-luc').innerText();
    });
    if (!loaded) return;
    const classAdded = await step(page, 'the team adds a class of its hamlet on /lop', async () => {
      await (await navLink(page, 'Lớp học')).click();
      await page.waitForURL(pathIs('/lop'));
      await page.getByLabel('Chủ đề').fill('Bình dân học AI: hỏi trợ lý ảo về thủ tục');
      await page.getByLabel('Nhiệm vụ của kế hoạch').selectOption('III.6');
      await page.getByLabel('Địa điểm').fill('Nhà văn hóa xóm');
      await page.getByLabel('Giờ bắt đầu').fill('14:00');
      await Promise.all([page.waitForURL((u) => /^\/lop\/\d+$/.test(u.pathname)), page.getByRole('button', { name: 'Thêm buổi học' }).click()]);
      return new URL(page.url()).pathname;
    });
    if (!classAdded) return;
    const classPath = new URL(page.url()).pathname;
    await axeStep(page, 'a class', classPath);
    await axeStep(page, 'the week\'s classes', '/lop');
    await axeStep(page, 'the field app', '/thuc-dia');

    let before = 0;
    const recorded = await step(page, 'offline (CDP), three visits and a class\'s attendance are recorded: the page shows 4 waiting', async () => {
      await page.locator('#chua-dat-khung > summary').click();
      await page.locator('#moc-chon').selectOption('vneid');
      before = await notReached(page);
      await ctx.setOffline(true);
      await page.waitForFunction(() => !navigator.onLine);
      for (let i = 0; i < 3; i += 1) {
        await page.locator('#ds-ho button[data-ho]').nth(i).click();
        await page.locator('#ghi-tham').waitFor({ state: 'visible' });
        // One tap: "Đã cài VNeID" for everyone in the household not yet there.
        const boxes = page.locator('#nguoi-tham input[data-moc="vneid"]:not([disabled])');
        const n = await boxes.count();
        for (let j = 0; j < n; j += 1) await boxes.nth(j).check();
        await page.locator('#ghi-chu').fill(`Lần thăm thử ${i + 1}: hướng dẫn cài VNeID`);
        await page.getByRole('button', { name: 'Lưu lần thăm' }).click();
        await waitingIs(page, i + 1);
      }
      // The class: one person ticked present.
      await page.locator('#diem-danh-khung > summary').click();
      await page.locator('#ds-diem-danh button[data-co-mat]').first().click();
      await waitingIs(page, 4);
      const text = await page.locator('#cho-gui').innerText();
      assert(text.includes('Đang chờ gửi: 4'), `the page says "${text}"`);
      return text;
    });
    if (!recorded) return;
    await step(page, 'the "no one left behind" list shrinks as milestones are ticked', async () => {
      const after = await notReached(page);
      assert(after < before, `still ${after} without VNeID (was ${before})`);
      return `${before} → ${after} without VNeID`;
    });
    sent = await page.evaluate(() => new Promise((resolve, reject) => {
      const req = indexedDB.open('hocvuso-thuc-dia', 1);
      req.onsuccess = () => {
        const all = req.result.transaction('cho-gui').objectStore('cho-gui').getAll();
        all.onsuccess = () => resolve(all.result);
        all.onerror = () => reject(all.error);
      };
      req.onerror = () => reject(req.error);
    }));

    await ctx.close();
    ({ ctx, page } = await open(true));
    const reopened = await step(page, 'the browser is closed and opened again offline: the page still shows 4 waiting', async () => {
      await page.goto('/thuc-dia');
      await waitingIs(page, 4);
      return await page.locator('#mang').innerText();
    });
    if (!reopened) return;
    await step(page, 'the network returns: all four are sent, nothing waits, the server lists the visits and the class its attendee', async () => {
      await ctx.setOffline(false);
      await waitingIs(page, 0);
      await page.waitForFunction(() => document.getElementById('da-ve').getAttribute('data-so') === '3', null, { timeout: STEP_TIMEOUT });
      const items = await page.locator('#da-ve li').allTextContents();
      assert(items.length === 3, `the server lists ${items.length} visits`);
      await page.goto(classPath);
      const h2 = await page.getByRole('heading', { level: 2 }).first().innerText();
      assert(h2 === 'Người dự: 1', `the class page says "${h2}"`);
      await page.goto('/thuc-dia');
      return `${items[0]}; ${h2}`;
    });
    await step(page, 'sending the same batch again changes nothing', async () => {
      assert(sent.length === 4, `${sent.length} records were queued`);
      const reply = await page.evaluate(async (records) => {
        const r = await fetch('/api/thuc-dia/dong-bo', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ records }),
        });
        return r.json();
      }, sent);
      assert(reply.saved === 0 && reply.duplicates === 4, JSON.stringify(reply));
      await page.reload();
      await page.waitForFunction(() => document.getElementById('da-ve').getAttribute('data-so') === '3', null, { timeout: STEP_TIMEOUT });
      return `${reply.duplicates} already there, ${reply.saved} new`;
    });
    await step(page, "the team's quarterly report form shows the counts from these records", async () => {
      await page.goto(`/bao-cao/don-vi/${team.id}`);
      const visited = Number(await page.locator('input[name="so_ho_da_den"]').inputValue());
      const presences = Number(await page.locator('input[name="so_luot_tham_gia"]').inputValue());
      assert(visited >= 3, `households visited: ${visited}`);
      assert(presences >= 1, `presences: ${presences}`);
      const link = page.locator(`a[href^="/thuc-dia/so-lieu"]`).first();
      assert(await link.count() === 1, 'the records behind the numbers are linked');
      return `${visited} households visited, ${presences} presences`;
    });
    await step(page, 'a record still waiting is shown on the other pages, and logging out asks first', async () => {
      // The sync is held back (the network "drops" the request) while one
      // more visit is recorded.
      await page.route('**/api/thuc-dia/dong-bo', (route) => route.abort('internetdisconnected'));
      await page.goto('/thuc-dia');
      await page.locator('#ds-ho button[data-ho]').nth(3).click();
      await page.locator('#ghi-tham').waitFor({ state: 'visible' });
      await page.getByRole('button', { name: 'Lưu lần thăm' }).click();
      await waitingIs(page, 1);
      await page.goto('/lop');
      const banner = page.locator('#cho-gui-chung');
      await banner.waitFor({ state: 'visible' });
      const text = await banner.innerText();
      assert(text.includes('Đang chờ gửi: 1'), `the banner says "${text}"`);
      let asked = '';
      page.once('dialog', async (d) => { asked = d.message(); await d.dismiss(); });
      await page.locator('details.menu > summary').click();
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.waitForTimeout(300);
      assert(asked.includes('chưa gửi'), `no warning before logging out (${asked})`);
      assert(new URL(page.url()).pathname === '/lop', 'still logged in after "Cancel"');
      await page.unroute('**/api/thuc-dia/dong-bo');
      await page.goto('/thuc-dia');
      await waitingIs(page, 0);
      return text;
    });
  } finally {
    await ctx.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}
