// The counter page's speed, measured inside the page (issue #19): the time
// from a scan's Enter keydown to the basket showing the new line and total,
// over SCANS scans, and from a tap on "pay" to the receipt on screen (the
// durable commit included), over PAYS sales; both when the DOM has the
// result and at the next painted frame. Also the page's weight (all its
// files) and its first paint. One headless chromium, the real `loyalpos
// serve` on 127.0.0.1.
//   node bench.js LOYALPOS_BINARY [SCANS=500] [PAYS=100]
// Prints a summary, then one line of JSON.
'use strict';
const http = require('http');
const {Terminal, launch, scanLine} = require('./harness');

const [binary, scansArg, paysArg] = process.argv.slice(2);
const SCANS = Number(scansArg || 500);
const PAYS = Number(paysArg || 100);

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let n = 0;
      res.on('data', (d) => { n += d.length; });
      res.on('end', () => resolve(n));
    }).on('error', reject);
  });
}
function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return {n: s.length, median: at(0.5), p99: at(0.99), max: s[s.length - 1]};
}
const log = (m) => process.stderr.write(`bench: ${m}\n`);
const ms = (x) => `${x.toFixed(1)} ms`;

async function main() {
  const term = new Terminal(binary);
  await term.start();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.setViewport({width: 1280, height: 800});
    await page.goto(`${term.url()}#key=${term.token()}`);
    await page.waitForFunction(() => window.__counter.ready);

    log('page ready');
    // Page weight: every file the page loads (it loads nothing else).
    let weight = 0;
    for (const p of ['/', '/counter.css', '/counter.js']) weight += await get(term.url().replace(/\/$/, '') + p);

    log(`weight ${weight}`);
    // Scans: barcodes, SKUs, SKUs under the Russian layout; a new basket every 10.
    const lines = ['4600000000053', 'LATTE', 'ДФЕЕУ', 'croissant', '4600000000015', 'simit*2', 'WATER', 'ECLAIR', 'COFFEE', 'TEA'];
    await page.click('#clear');
    for (let i = 0; i < SCANS; i++) {
      if (i > 0 && i % 10 === 0) {
        await page.click('#clear');
        await page.waitForFunction(() => document.querySelectorAll('#lines li').length === 0);
      }
      await scanLine(page, lines[i % lines.length]);
      await page.waitForFunction((n) => (window.__counter.timings.scanFrame || []).length >= n, {}, i + 1);
    }
    log('scans measured');
    // Pays: a two-item basket, then "pay cash"; the receipt closed before the next.
    await page.click('#clear');
    for (let i = 0; i < PAYS; i++) {
      await scanLine(page, 'LATTE');
      await scanLine(page, 'croissant');
      await page.waitForFunction(() => document.querySelectorAll('#lines li').length === 2 && window.__counter.timings.scan.length === window.__counter.timings.scanFrame.length);
      await page.waitForFunction((n) => window.__counter.timings.scan.length >= n, {}, SCANS + 2 * (i + 1));
      await page.click('#pay-cash');
      await page.waitForFunction((n) => (window.__counter.timings.payFrame || []).length >= n, {}, i + 1);
      await page.click('#dialog-buttons button');
    }
    log('pays measured');
    const t = await page.evaluate(() => window.__counter.timings);
    // First paint, over fresh loads of the page (signed in by its cookie).
    const paints = [];
    const contentful = [];
    for (let i = 0; i < 10; i++) {
      const p = await browser.newPage();
      await p.setViewport({width: 1280, height: 800});
      await p.goto(term.url(), {waitUntil: 'load'});
      await p.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
      const e = await p.evaluate(() => ({
        fp: (performance.getEntriesByName('first-paint')[0] || {}).startTime,
        fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime}));
      paints.push(e.fp);
      contentful.push(e.fcp);
      await p.close();
    }

    log('first paints measured');
    const scan = stats(t.scan.slice(0, SCANS));
    const scanFrame = stats(t.scanFrame.slice(0, SCANS));
    const pay = stats(t.pay);
    const payFrame = stats(t.payFrame);
    const fp = stats(paints);
    const fcp = stats(contentful);
    const day = term.cli(['report', 'day']);
    const verdict = (ok) => (ok ? 'meets' : 'MISSES');
    console.log(`scan -> basket (${scan.n} scans): DOM median ${ms(scan.median)}, p99 ${ms(scan.p99)};` +
                ` painted median ${ms(scanFrame.median)}, p99 ${ms(scanFrame.p99)} (${verdict(scanFrame.p99 < 50)} the p99 < 50 ms goal)`);
    console.log(`pay -> receipt (${pay.n} sales, durable commit included): DOM median ${ms(pay.median)}, p99 ${ms(pay.p99)};` +
                ` painted median ${ms(payFrame.median)}, p99 ${ms(payFrame.p99)} (${verdict(payFrame.p99 < 100)} the p99 < 100 ms goal)`);
    console.log(`page weight: ${weight} bytes, all files (${verdict(weight < 150 * 1024)} the < 150 KB goal)`);
    console.log(`first paint (${fp.n} loads): median ${ms(fp.median)}, max ${ms(fp.max)}; first contentful paint median ${ms(fcp.median)}, max ${ms(fcp.max)}` +
                ` (${verdict(fcp.max < 300)} the < 300 ms goal)`);
    console.log(`ledger: ${day.sales} sales recorded (expected ${PAYS})`);
    console.log(JSON.stringify({scan, scanFrame, pay, payFrame, weight, firstPaint: fp, firstContentfulPaint: fcp, sales: day.sales}));
    if (day.sales !== PAYS) process.exitCode = 1;
  } finally {
    await browser.close();
    await term.stop();
    term.cleanup();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
