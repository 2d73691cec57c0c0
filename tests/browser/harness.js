// What the browser test and the benchmark share: a throwaway home with a
// ledger, the real `loyalpos serve` (the test build: LOYALPOS_NOW fixes its
// clock) on 127.0.0.1, the CLI's --json to read the ledger back, and one
// headless Debian chromium driven by puppeteer-core.
'use strict';
const {spawn, spawnSync} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer-core');

const NOW = '2026-11-21T10:30:00';

class Terminal {
  constructor(binary, config) {
    this.binary = binary;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalpos-browser-'));
    this.home = path.join(this.dir, '.local/share/loyalpos');
    this.env = Object.assign({}, process.env, {HOME: this.dir, LOYALPOS_NOW: NOW});
    delete this.env.LOYALPOS_HOME;
    delete this.env.XDG_DATA_HOME;
    this.cli(['init', '--store', 'Café', '--terminal', 'T1', '--sample-catalog']);
    if (config) fs.writeFileSync(path.join(this.home, 'config.toml'), config);
    this.serve = null;
  }
  // The CLI's answer as JSON (its --json output); throws when it fails.
  cli(args) {
    const r = spawnSync(this.binary, ['--json', ...args], {env: this.env, encoding: 'utf8'});
    if (r.status !== 0) throw new Error(`loyalpos ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
    return r.stdout.trim() ? JSON.parse(r.stdout) : null;
  }
  // Starts `serve` (on `port`, or any free one) and resolves its port.
  start(port) {
    const child = spawn(this.binary, ['serve', '--listen', `127.0.0.1:${port || 0}`],
                        {env: this.env, stdio: ['ignore', 'pipe', 'pipe']});
    this.serve = child;
    child.stderr.on('data', (d) => { this.stderr = (this.stderr || '') + d; });
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('serve did not say where it listens')), 60000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) { clearTimeout(timer); this.port = Number(m[1]); resolve(this.port); }
      });
      child.on('exit', (code) => { clearTimeout(timer); if (!this.port) reject(new Error(`serve exited ${code}: ${this.stderr}`)); });
    });
  }
  stop() {
    const child = this.serve;
    this.serve = null;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => { child.on('exit', resolve); child.kill('SIGTERM'); });
  }
  token() { return fs.readFileSync(path.join(this.home, 'api-token'), 'utf8').trim(); }
  url() { return `http://127.0.0.1:${this.port}/`; }
  cleanup() { fs.rmSync(this.dir, {recursive: true, force: true}); }
}

// `extraArgs`: more chromium flags, e.g. --ignore-certificate-errors for a
// server whose certificate a private CA signed (journeyd's).
async function launch(extraArgs = []) {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           ...extraArgs],
  });
}

// Types `line` + Enter into the page as a wedge scanner does, the whole line
// in one go (one round trip to the browser, not one per key).
function scanLine(page, line) {
  return page.evaluate((text) => {
    const fire = (key) => document.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
    for (const ch of text) fire(ch);
    fire('Enter');
  }, line);
}

module.exports = {Terminal, launch, scanLine, NOW};
