// journeyd's pages in Debian's headless chromium against a real `journeyd
// serve` on 127.0.0.1 (issue #18), with JavaScript switched off throughout:
// the pages have no script and must work without one. The owner signs in
// (a wrong password first), sees the journey map of a few cards that came
// through the join page, and signs out; a customer joins from a poster and
// opens the new card; an unknown card is "Card not found". Every form field
// has a label, nothing loads from elsewhere. Screenshots at 1280×800 and
// phone size go to ARTIFACTS.
//   node journeyd_test.js JOURNEYD_BINARY ARTIFACTS_DIR
'use strict';
const assert = require('assert/strict');
const {spawn, spawnSync} = require('child_process');
const fs = require('fs');
const https = require('https');
const os = require('os');
const path = require('path');
const {launch} = require('./harness');

const [binary, artifacts] = process.argv.slice(2);
if (!binary || !artifacts) { console.error('usage: node journeyd_test.js JOURNEYD_BINARY ARTIFACTS_DIR'); process.exit(2); }
fs.mkdirSync(artifacts, {recursive: true});

const OWNER = 'anna';
const PASSWORD = 'correct horse battery';
const STAGES = ['Awareness', 'Interest', 'Consideration', 'Purchase', 'Retention', 'Loyalty'];

// A throwaway data folder (`journeyd init`), an owner (`user add`, the
// password on stdin) and `journeyd serve` on 127.0.0.1, port chosen by it.
class Journeyd {
  constructor(bin) {
    this.bin = bin;
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'journeyd-browser-'));
    this.data = path.join(this.tmp, 'data');
    this.run(['init', '--data', this.data, '--listen', '127.0.0.1:0']);
    this.run(['user', 'add', '--data', this.data, OWNER], `${PASSWORD}\n`);
    this.ca = fs.readFileSync(path.join(this.data, 'ca.pem'));
    this.serve = null;
  }
  run(args, input) {
    const r = spawnSync(this.bin, args, {input: input || '', encoding: 'utf8'});
    if (r.status !== 0) throw new Error(`journeyd ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
    return r.stdout;
  }
  start() {
    const child = spawn(this.bin, ['serve', '--data', this.data], {stdio: ['ignore', 'pipe', 'pipe']});
    this.serve = child;
    child.stderr.on('data', (d) => { this.stderr = (this.stderr || '') + d; });
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('serve did not say where it listens')), 30000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) { clearTimeout(timer); this.port = Number(m[1]); resolve(this.port); }
      });
      child.on('exit', (code) => { clearTimeout(timer); if (!this.port) reject(new Error(`serve exited ${code}: ${this.stderr}`)); });
    });
  }
  url(p) { return `https://127.0.0.1:${this.port}${p}`; }
  // One HTTPS request outside the browser, trusting journeyd's own CA.
  request(method, p, body, headers) {
    return new Promise((resolve, reject) => {
      const req = https.request({host: '127.0.0.1', port: this.port, path: p, method, ca: this.ca,
                                 headers: Object.assign({}, headers || {})}, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({status: res.statusCode, headers: res.headers, body: text}));
      });
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
  }
  // A card from the join page, as a phone without a browser of ours would get it.
  async join(source) {
    const form = await this.request('GET', `/join?src=${source}`);
    assert.equal(form.status, 200);
    const csrf = /journeyd_join=([0-9a-f]{32})/.exec((form.headers['set-cookie'] || []).join('\n'))[1];
    const body = `csrf=${csrf}&src=${source}`;
    const r = await this.request('POST', '/join', body, {
      Cookie: `journeyd_join=${csrf}`, 'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': Buffer.byteLength(body)});
    assert.equal(r.status, 201, r.body);
    return r.headers.location.slice(3);
  }
  stop() {
    const child = this.serve;
    this.serve = null;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => { child.on('exit', resolve); child.kill('SIGTERM'); });
  }
  cleanup() { fs.rmSync(this.tmp, {recursive: true, force: true}); }
}

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

async function main() {
  const t0 = Date.now();
  const jd = new Journeyd(binary);
  let browser = null;
  try {
    await jd.start();
    // Two customers joined from other touchpoints before the owner looks.
    const seeded = [await jd.join('flyer-station'), await jd.join('receipt-link')];

    browser = await launch(['--ignore-certificate-errors']);
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setViewport({width: 1280, height: 800});
    const problems = [];
    // data: URLs are chromium's own (the date field's calendar icon), not a request.
    page.on('request', (r) => {
      if (!r.url().startsWith(jd.url('/')) && !r.url().startsWith('data:')) problems.push(`external request: ${r.url()}`);
    });

    const text = (sel) => page.$eval(sel, (el) => el.textContent.trim());
    const pathname = () => new URL(page.url()).pathname;
    // No script on the page, and every field a person fills in has a label.
    const checkPage = async () => {
      assert.equal((await page.$$('script')).length, 0, `no <script> on ${page.url()}`);
      const unlabelled = await page.$$eval('input:not([type=hidden]), select, textarea', (els) =>
        els.filter((el) => !el.closest('label') &&
                           !(el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)))
          .map((el) => el.outerHTML));
      assert.deepEqual(unlabelled, [], `fields without a label on ${page.url()}`);
    };
    // Screenshots at 1280×800 and at a phone's size, where nothing scrolls sideways.
    const shots = async (name) => {
      await page.screenshot({path: path.join(artifacts, `journeyd-${name}-1280x800.png`)});
      await page.setViewport({width: 390, height: 844});
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(sideways, false, `${name}: no sideways scrolling on a phone`);
      await page.screenshot({path: path.join(artifacts, `journeyd-${name}-390x844.png`), fullPage: true});
      await page.setViewport({width: 1280, height: 800});
    };
    const submit = async (selector) => {
      const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
      return response;
    };

    await step('the dashboard without a session opens the login page', async () => {
      const r = await page.goto(jd.url('/owner/'));
      assert.equal(r.status(), 200);
      assert.equal(pathname(), '/owner/login');
      assert.equal(await text('main h1'), 'Sign in');
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      await checkPage();
      await shots('login');
    });

    await step('a wrong password says so', async () => {
      await page.type('#name', OWNER);
      await page.type('#password', 'not the password');
      const r = await submit('main button[type=submit]');
      assert.equal(r.status(), 401);
      assert.equal(pathname(), '/owner/login');
      assert.match(await text('.error[role=alert]'), /Wrong name or password/);
      await checkPage();
    });

    await step('the right password opens the journey map (scripts off)', async () => {
      await page.type('#name', OWNER);
      await page.type('#password', PASSWORD);
      const r = await submit('main button[type=submit]');
      assert.equal(r.status(), 200);
      assert.equal(pathname(), '/owner/');
      assert.equal(await text('main h1'), 'Customer journey map');
      assert.deepEqual(await page.$$eval('.stage h2', (hs) => hs.map((h) => h.textContent)), STAGES);
      // The chart: one bar and one label per stage, inside the page.
      const chart = await page.$eval('main svg[role=img]', (svg) => {
        const box = svg.viewBox.baseVal;
        const inside = (b) => b.y >= box.y && b.y + b.height <= box.y + box.height;
        return {
          bars: svg.querySelectorAll('rect').length,
          labels: [...svg.querySelectorAll('text')].map((t) => t.textContent),
          // The tallest bar's number too: drawn above it, inside the chart.
          clipped: [...svg.querySelectorAll('text')].filter((t) => !inside(t.getBBox())).map((t) => t.textContent)};
      });
      assert.equal(chart.bars, STAGES.length);
      assert.deepEqual(chart.clipped, [], 'every number and name of the chart shows');
      for (const s of STAGES) assert.ok(chart.labels.includes(s), `chart labels ${chart.labels}`);
      // The seeded cards reached interest; the map is not all zeros.
      const interest = await page.$$eval('.stage', (sections) => {
        const s = sections.find((x) => x.querySelector('h2').textContent === 'Interest');
        const dts = [...s.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent]);
        return Object.fromEntries(dts);
      });
      assert.equal(interest['reached it in the range'], String(seeded.length), JSON.stringify(interest));
      assert.equal(interest['cards now'], String(seeded.length));
      assert.ok(chart.labels.includes(String(seeded.length)), `the bar says ${seeded.length}: ${chart.labels}`);
      assert.match(await text('.stage:nth-child(1)'), /not measured/);
      await checkPage();
      await shots('journey-map');
    });

    await step('the map in Russian, then back in English', async () => {
      await page.goto(jd.url('/owner/?lang=ru'));
      assert.equal(await text('main h1'), 'Карта пути клиента');
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru');
      await page.goto(jd.url('/owner/?lang=en'));
      assert.equal(await text('main h1'), 'Customer journey map');
    });

    await step('sign out ends the session', async () => {
      await submit('form[action="/owner/logout"] button');
      assert.equal(pathname(), '/owner/login');
      await page.goto(jd.url('/owner/'));
      assert.equal(pathname(), '/owner/login', 'the map wants a new sign-in');
    });

    let token = null;
    await step('the join page from a poster gives a card (e-mail with consent)', async () => {
      const r = await page.goto(jd.url('/join?src=poster-test'));
      assert.equal(r.status(), 200);
      assert.equal(await text('main h1'), 'Get a loyalty card');
      assert.equal(await page.$eval('#consent', (c) => c.checked), false, 'consent is never ticked in advance');
      await checkPage();
      await page.type('#email', 'customer@example.com');
      await page.click('#consent');
      const joined = await submit('main button[type=submit]');
      assert.equal(joined.status(), 201);
      assert.equal(await text('main h1'), 'Your card');
      assert.equal((await page.$$('main svg[role=img] path')).length, 1, 'the card as a QR');
      const link = await page.$eval('main a[href^="/C/"]', (a) => a.getAttribute('href'));
      token = link.slice(3);
      assert.match(token, /^[0-9A-Z]{28}$/);
      assert.equal((await text('main strong')).replace(/ /g, ''), token);
      await checkPage();
      await shots('join-result');
      const contacts = jd.run(['export', 'contacts', '--consented', '--data', jd.data]);
      assert.match(contacts, new RegExp(`^${token},customer@example\\.com,[^,]+,poster-test$`, 'm'), contacts);
    });

    await step('the new card page opens and shows Visits 0', async () => {
      const r = await submit('main a[href^="/C/"]');
      assert.equal(r.status(), 200);
      assert.equal(pathname(), `/C/${token}`);
      assert.equal((await text('main h1')).replace(/ /g, ''), token);
      const facts = await page.$$eval('main dl dt', (dts) => dts.map((dt) => `${dt.textContent} ${dt.nextElementSibling.textContent}`));
      assert.ok(facts.includes('Visits 0'), `card facts: ${facts}`);
      await checkPage();
      await shots('card');
    });

    await step('an unknown or misread card says "Card not found"', async () => {
      // One symbol changed: its check fails, as a misread card's does.
      const misread = (t, i) => t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
      for (const t of ['NOT-A-CARD', misread(token, 5), misread(seeded[0], 27)]) {
        const r = await page.goto(jd.url(`/C/${t}`));
        assert.equal(r.status(), 404, t);
        assert.equal(await text('main h1'), 'Card not found.');
        assert.ok(!(await page.content()).includes(token), 'nothing of another card');
      }
    });

    assert.deepEqual(problems, []);
    console.log(`journeyd browser test: all ${steps.length} steps passed in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${artifacts}`);
  } finally {
    if (browser) await browser.close();
    await jd.stop();
    jd.cleanup();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
