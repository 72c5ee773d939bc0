// Section 13 of run.mjs (issue 15): the office opens the plan and its
// timeline, adds an outreach campaign; then a resident's phone, not logged
// in, opens the campaign's short link and walks the public pages: the
// campaign, the class schedule, the courses, the assistant and who to ask
// in a hamlet; then, with the network gone, the pages visited still open
// (the service worker keeps them).

import { VIEWPORT, step, assert, login, pathIs, navLink, axeStep } from './lib.mjs';

export async function planAndPublic(browser, base, username, password, serverErrors) {
  const office = await browser.newContext({ ...VIEWPORT, baseURL: base });
  const page = await office.newPage();
  page.on('response', (r) => {
    if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.url()}`);
  });
  let link = null;
  try {
    const opened = await step(page, 'the office opens the plan: six tasks with a status each, and the timeline', async () => {
      await page.goto('/dang-nhap');
      await login(page, base, username, password);
      await (await navLink(page, 'Kế hoạch')).click();
      await page.waitForURL(pathIs('/ke-hoach'));
      const rows = await page.locator('tbody tr').count();
      assert(rows === 6, `${rows} tasks listed`);
      assert(await page.locator('figure.hinh svg').count() === 1, 'no timeline');
      const tags = await page.locator('tbody .tag').allInnerTexts();
      return tags.join(', ');
    });
    if (opened) {
      await axeStep(page, 'the plan', '/ke-hoach');
      await axeStep(page, 'a task of the plan', '/ke-hoach/III.6');
    }
    const added = await step(page, 'the office adds an outreach campaign and gets its materials', async () => {
      await page.goto('/chien-dich');
      await page.getByLabel('Tên chiến dịch').fill('Tuần lễ kích hoạt VNeID mức 2');
      await page.getByLabel('Nội dung cần truyền tới bà con').fill('Công an xã hướng dẫn tại nhà văn hóa các xóm. Mang theo căn cước.');
      await page.getByLabel('Hệ thống truyền thanh cơ sở').check();
      await page.getByLabel('Nhóm Zalo').check();
      await Promise.all([page.waitForURL(pathIs('/chien-dich')), page.getByRole('button', { name: 'Thêm chiến dịch' }).click()]);
      link = (await page.locator('section.card code').first().innerText()).trim();
      assert(/\/l\/[a-z2-9]{8}$/.test(link), `short link "${link}"`);
      const script = page.getByRole('link', { name: /Kịch bản đọc trên loa/ }).first();
      return `${link}; ${await script.innerText()}`;
    });
    if (added) await axeStep(page, 'the campaigns', '/chien-dich');
  } finally {
    await office.close();
  }
  if (!link) return;
  const phone = await browser.newContext({ ...VIEWPORT });
  const p = await phone.newPage();
  p.on('response', (r) => {
    if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.url()}`);
  });
  let campaignPath = null;
  try {
    const landed = await step(p, 'a resident opens the short link without logging in and lands on the campaign page', async () => {
      await p.goto(link);
      await p.waitForURL((u) => u.pathname.startsWith('/chien-dich/'));
      const h1 = await p.getByRole('heading', { level: 1 }).innerText();
      assert(h1.includes('Tuần lễ kích hoạt VNeID mức 2'), h1);
      campaignPath = new URL(p.url()).pathname;
      return campaignPath;
    });
    if (!landed) return;
    await axeStep(p, 'a campaign\'s public page', null);
    for (const [name, path, heading] of [
      ['Lịch học ở xóm', '/lich-hoc', /Lịch học kỹ năng số/],
      ['Tự học trên điện thoại', '/hoc', /./],
      ['Hỏi trợ lý ảo về thủ tục', '/tro-ly', /./],
    ]) {
      await step(p, `from the campaign page, "${name}" opens ${path} without logging in`, async () => {
        await p.goto(new URL(campaignPath, base).href);
        await Promise.all([p.waitForURL(pathIs(path)), p.getByRole('link', { name }).first().click()]);
        const h1 = await p.getByRole('heading', { level: 1 }).first().innerText();
        assert(heading.test(h1), h1);
        return h1;
      });
    }
    let hamletPath = null;
    const asked = await step(p, 'from the campaign page, "Hỏi ai khi cần giúp" lists the hamlets; one hamlet shows its team', async () => {
      await p.goto(new URL(campaignPath, base).href);
      await Promise.all([p.waitForURL(pathIs('/hoi-ai')), p.getByRole('link', { name: 'Hỏi ai khi cần giúp' }).first().click()]);
      const first = p.locator('main ul li a').first();
      const name = await first.innerText();
      await Promise.all([p.waitForURL((u) => u.pathname === '/hoi-ai' && u.search.startsWith('?xom=')), first.click()]);
      hamletPath = new URL(p.url()).pathname + new URL(p.url()).search;
      const h1 = await p.getByRole('heading', { level: 1 }).innerText();
      assert(h1.includes(name), h1);
      const helpers = await p.locator('ul.helpers li').count();
      assert(helpers > 0, 'no team members listed');
      return `${name}: ${helpers} người`;
    });
    if (asked) await axeStep(p, 'who to ask in a hamlet', null);
    if (asked) {
      await step(p, 'with the network gone, the campaign, the schedule and who to ask still open (kept by the service worker)', async () => {
        await p.evaluate(() => navigator.serviceWorker.ready.then(() => true));
        // Visit each once with the worker in charge, so that it keeps them.
        for (const path of [campaignPath, '/lich-hoc', hamletPath]) {
          await p.goto(new URL(path, base).href);
        }
        await phone.setOffline(true);
        const seen = [];
        for (const path of [campaignPath, '/lich-hoc', hamletPath]) {
          await p.goto(new URL(path, base).href);
          const h1 = await p.getByRole('heading', { level: 1 }).first().innerText();
          assert(!/Không có mạng/.test(h1), `${path} not kept: ${h1}`);
          seen.push(h1);
        }
        await phone.setOffline(false);
        return seen.join(' | ');
      });
    }
  } finally {
    await phone.close();
  }
}
