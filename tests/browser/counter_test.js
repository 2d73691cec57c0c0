// The counter page in Debian's headless chromium against the real
// `loyalpos serve` (issue #19): a card sale by tapping, a sale by scans, a
// misread card, a redemption, a refund, a double tap on pay, a reload
// mid-basket, serve restarting; after each, the ledger read through the
// CLI's --json holds exactly what the screen showed. Screenshots at
// 1024×768, 1280×800 and phone width go to ARTIFACTS.
//   node counter_test.js LOYALPOS_BINARY ARTIFACTS_DIR
'use strict';
const assert = require('assert/strict');
const fs = require('fs');
const path = require('path');
const {Terminal, launch, scanLine} = require('./harness');

const [binary, artifacts] = process.argv.slice(2);
if (!binary || !artifacts) { console.error('usage: node counter_test.js LOYALPOS_BINARY ARTIFACTS_DIR'); process.exit(2); }
fs.mkdirSync(artifacts, {recursive: true});

// The café, with the pastry card in bank mode so that a reward waits to be redeemed.
const CONFIG = `language = "en"
card_base_url = "https://loyal.example"
timezone = "Europe/Moscow"
[printer]
type = "virtual"
[[stamp_card]]
id = "pastry"
name = "Pastry card"
categories = ["pastry"]
every = 5
reward = "bank"
`;

const steps = [];
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    steps.push(name);
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e.stack || e}`);
    throw e;
  }
}

// Minor units from what the screen shows ("520.00 ₽").
function minor(text) { return Math.round(parseFloat(String(text).replace(/[^0-9.\-]/g, '')) * 100); }

async function main() {
  const term = new Terminal(binary, CONFIG);
  const browser = await launch();
  try {
    await term.start();
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => { if (!r.url().startsWith(term.url())) problems.push(`external request: ${r.url()}`); });
    await page.setViewport({width: 1280, height: 800});

    const ready = () => page.waitForFunction(() => window.__counter && window.__counter.ready);
    const text = (sel) => page.$eval(sel, (el) => el.textContent);
    const basket = () => page.$$eval('#lines li', (lis) => lis.map((li) => ({
      sku: li.dataset.sku, qty: Number(li.querySelector('.qty span').textContent),
      discount: li.querySelector('.disc') ? li.querySelector('.disc').textContent : ''})));
    const idle = () => page.waitForFunction(() => !document.body.hasAttribute('aria-busy'));
    // The total once the basket shows `lines` lines.
    const settle = async (lines) => {
      await page.waitForFunction((n) => document.querySelectorAll('#lines li').length === n, {timeout: 5000}, lines);
      await new Promise((r) => setTimeout(r, 50));  // a later quote wins; let it land
      return minor(await text('#total'));
    };
    const tap = async (sku, times = 1) => {
      for (let i = 0; i < times; i++) {
        const before = await page.evaluate(() => window.__counter.stats.quotes);
        await page.click(`#grid button[data-sku="${sku}"]`);
        await page.waitForFunction((b) => window.__counter.stats.quotes > b, {}, before);
      }
    };
    const payAndReadReceipt = async (button, screenshot) => {
      const shown = await page.evaluate(() => window.__counter.shownSale || 0);
      await page.click(button);
      await page.waitForFunction((s) => (window.__counter.shownSale || 0) > s && !document.getElementById('dialog').hidden, {}, shown);
      const receipt = {
        sale: Number(await page.$eval('#receipt', (el) => el.dataset.sale)),
        total: minor(await text('#receipt-total')),
        print: await text('#print-state'),
        body: await text('#receipt'),
      };
      if (screenshot) await page.screenshot({path: path.join(artifacts, screenshot)});
      await page.click('#dialog-buttons button.primary');  // "New basket"
      return receipt;
    };
    const day = () => term.cli(['report', 'day']);

    await step('the page signs in with #key and drops the key from the address', async () => {
      await page.goto(`${term.url()}#key=${term.token()}`);
      await ready();
      assert.equal(new URL(page.url()).hash, '');
      assert.match(await text('#store'), /Café/);
      const cookies = await page.cookies();
      const c = cookies.find((x) => x.name === 'loyalpos_counter');
      assert.ok(c && c.httpOnly && c.sameSite === 'Strict', 'an HttpOnly SameSite=Strict cookie');
      assert.equal(await page.evaluate(() => document.cookie), '', 'the page cannot read it');
      const buttons = await page.$$eval('#grid button', (bs) => bs.map((b) => b.getBoundingClientRect().height));
      assert.equal(buttons.length, 8);
      assert.ok(buttons.every((h) => h >= 48), `product buttons at least 48 px: ${buttons}`);
    });

    const card = term.cli(['card', 'issue']).token;

    await step('a card sale by tapping', async () => {
      await scanLine(page, card);
      await page.waitForSelector('#card .prog');
      await tap('CROISSANT', 2);
      await tap('LATTE');
      await settle(2);
      await page.click('#lines li[data-sku="CROISSANT"] button[data-act="more"]');
      await page.waitForFunction(() => document.querySelector('#lines li[data-sku="CROISSANT"] .qty span').textContent === '3');
      const total = await settle(2);
      assert.equal(total, 3 * 15000 + 22000);
      assert.match(await text('#card'), /Pastry card 0\/5/);
      assert.match(await text('#card .after'), /3\/5/, 'the panel says what this basket does to the card');
      const r = await payAndReadReceipt('#pay-card', 'receipt-1280x800.png');
      assert.equal(r.total, total);
      assert.match(r.print, /printed/i);
      const d = day();
      assert.equal(d.sales, 1);
      assert.equal(d.by_payment.card.revenue, total);
      const shown = term.cli(['card', 'show', card]);
      assert.equal(shown.programs[0].stamps, 3);
      assert.ok(r.body.includes(shown.programs[0].progress), `receipt shows ${shown.programs[0].progress}`);
      assert.equal((await basket()).length, 0, 'a new basket');
      assert.equal(await text('#card'), '', 'the card went with the sale');
    });

    let cashSale = null;
    await step('a sale by typing scans (barcode, Russian layout, SKU*QTY)', async () => {
      await scanLine(page, '4600000000053');  // TEA's barcode
      await scanLine(page, 'ДФЕЕУ');          // LATTE under the Russian layout
      await scanLine(page, 'simit*2');
      const total = await settle(3);
      assert.deepEqual((await basket()).map((l) => [l.sku, l.qty]), [['TEA', 1], ['LATTE', 1], ['SIMIT', 2]]);
      assert.equal(total, 8000 + 22000 + 2 * 9000);
      const r = await payAndReadReceipt('#pay-cash');
      assert.equal(r.total, total);
      cashSale = r;
      const d = day();
      assert.equal(d.sales, 2);
      assert.equal(d.by_payment.cash.revenue, total);
    });

    await step('a misread card: a clear message, nothing changes', async () => {
      await scanLine(page, 'LATTE');
      await settle(1);
      const before = await page.evaluate(() => localStorage.getItem('loyalpos.counter.basket'));
      const misread = card.slice(0, 5) + (card[5] === 'A' ? 'B' : 'A') + card.slice(6);
      await scanLine(page, misread);
      await page.waitForFunction(() => !document.getElementById('notice').hidden);
      assert.match(await text('#notice'), /check/i);
      assert.equal(await text('#card'), '');
      assert.equal(await page.evaluate(() => localStorage.getItem('loyalpos.counter.basket')), before);
      assert.equal(day().sales, 2);
      await page.click('#clear');
      await settle(0);
    });

    await step('a redemption: the banked reward, redeemed by a tap', async () => {
      // Two more pastries on the card make five stamps: one reward banked.
      await scanLine(page, card);
      await page.waitForSelector('#card .prog');
      await tap('SIMIT', 2);
      await settle(1);
      await payAndReadReceipt('#pay-cash');
      assert.equal(term.cli(['card', 'show', card]).programs[0].rewards_available, 1);
      await scanLine(page, card.toLowerCase());
      await page.waitForSelector('#card button[data-act="redeem"]');
      assert.match(await text('#card'), /1 ready/);
      await tap('BAKLAVA');
      await settle(1);
      await page.click('#card button[data-act="redeem"]');
      await page.waitForFunction(() => document.querySelector('#lines .disc'));
      const lines = await basket();
      assert.match(lines[0].discount, /Pastry card/);
      const total = await settle(1);
      assert.equal(total, 0, 'the baklava is free');
      const before = day();
      const r = await payAndReadReceipt('#pay-card');
      assert.equal(r.total, 0);
      const d = day();
      assert.equal(d.sales, before.sales + 1);
      assert.equal(d.rewards_redeemed, before.rewards_redeemed + 1);
      assert.equal(term.cli(['card', 'show', card]).programs[0].rewards_available, 0);
    });

    await step('a refund of a recent sale, confirmed', async () => {
      await page.click('#sales-open');
      await page.waitForSelector(`#dialog tr[data-sale="${cashSale.sale}"] button[data-refund]`);
      await page.click(`#dialog tr[data-sale="${cashSale.sale}"] button[data-refund]`);
      await page.waitForSelector('#refund-yes');
      assert.match(await text('#dialog-h'), new RegExp(`#${cashSale.sale}`));
      assert.equal(day().refunds, 0, 'nothing before the confirmation');
      await page.click('#refund-yes');
      await page.waitForFunction(() => window.__counter.lastRefund);
      const refunded = await page.evaluate(() => window.__counter.lastRefund.refunded);
      assert.equal(refunded, cashSale.total);
      assert.match(await text('#notice'), new RegExp(`#${cashSale.sale}`));
      const d = day();
      assert.equal(d.refunds, 1);
      assert.equal(d.refunded, cashSale.total);
      await page.waitForSelector(`#dialog tr[data-sale="${cashSale.sale}"]`);
      assert.equal(await page.$(`#dialog tr[data-sale="${cashSale.sale}"] button[data-refund]`), null,
                   'a refunded sale offers no second refund');
      await page.keyboard.press('Escape');
    });

    await step('a double tap on pay rings one sale', async () => {
      await tap('LATTE');
      const total = await settle(1);
      const before = day();
      const requests = await page.evaluate(() => window.__counter.stats.payRequests);
      const shown = await page.evaluate(() => window.__counter.shownSale);
      await page.evaluate(() => { const b = document.getElementById('pay-cash'); b.click(); b.click(); });
      await page.waitForFunction((s) => window.__counter.shownSale > s, {}, shown);
      await idle();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await page.evaluate(() => window.__counter.stats.payRequests), requests + 2, 'both taps were sent');
      const d = day();
      assert.equal(d.sales, before.sales + 1, 'one sale');
      assert.equal(d.by_payment.cash.revenue, before.by_payment.cash.revenue + total);
      // The next customer's first scan, with the receipt still up, starts the next basket.
      await scanLine(page, 'WATER');
      await page.waitForFunction(() => document.getElementById('dialog').hidden);
      await settle(1);
      assert.deepEqual((await basket()).map((l) => l.sku), ['WATER']);
      await page.click('#clear');
      await settle(0);
    });

    await step('the basket survives a reload; the language switches', async () => {
      await scanLine(page, card);
      await tap('ECLAIR');
      await tap('COFFEE');
      const total = await settle(2);
      await page.reload();
      await ready();
      assert.equal(await settle(2), total);
      assert.match(await text('#card'), /Pastry card/);
      await page.click('#lang');
      assert.equal(await text('#pay-cash'), 'Наличные');
      await page.screenshot({path: path.join(artifacts, 'counter-1280x800-ru.png')});
      await page.click('#lang');
      assert.equal(await text('#pay-cash'), 'Pay cash');
    });

    await step('screenshots at 1024×768, 1280×800 and phone width', async () => {
      for (const [w, h] of [[1024, 768], [1280, 800], [390, 844]]) {
        await page.setViewport({width: w, height: h});
        await new Promise((r) => setTimeout(r, 100));
        const fits = await page.evaluate(() => {
          const r = document.getElementById('pay-cash').getBoundingClientRect();
          return document.documentElement.scrollWidth <= window.innerWidth && r.width > 0;
        });
        assert.ok(fits, `no sideways scrolling at ${w}×${h}`);
        await page.screenshot({path: path.join(artifacts, `counter-${w}x${h}.png`), fullPage: w < 500});
      }
      await page.setViewport({width: 1280, height: 800});
    });

    await step('keyboard only: Tab reaches the products and Enter presses one', async () => {
      await page.click('#clear');
      await settle(0);
      await page.focus('#grid button[data-sku="WATER"]');
      await page.keyboard.press('Enter');
      assert.equal(await settle(1), 6000);
      await page.click('#clear');
      await settle(0);
    });

    await step('serve restarts: the page says so and reconnects', async () => {
      await tap('TEA');
      await settle(1);
      const port = term.port;
      await term.stop();
      await page.click('#grid button[data-sku="TEA"]');
      await page.waitForFunction(() => !document.getElementById('conn').hidden && !window.__counter.online, {timeout: 5000}).catch(async (e) => {
        console.log(await page.evaluate(() => JSON.stringify({online: window.__counter.online, conn: document.getElementById('conn').outerHTML, quotes: window.__counter.stats.quotes, dialog: document.getElementById('dialog').hidden, notice: document.getElementById('notice').textContent})));
        throw e;
      });
      assert.match(await text('#conn'), /No connection/);
      await term.start(port);
      await page.waitForFunction(() => window.__counter.online, {timeout: 10000});
      assert.match(await text('#conn'), /Connected again/);
      // The tap made while away stayed in the basket, priced once serve answers.
      await page.waitForFunction(() => document.querySelector('#lines li[data-sku="TEA"] .qty span').textContent === '2');
      assert.equal(await settle(1), 2 * 8000);
      const r = await payAndReadReceipt('#pay-card');
      assert.equal(r.total, 16000);
      term.cli(['audit']);
    });

    assert.deepEqual(problems, []);
    console.log(`browser test: all ${steps.length} steps passed; screenshots in ${artifacts}`);
  } finally {
    await browser.close();
    await term.stop();
    term.cleanup();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
