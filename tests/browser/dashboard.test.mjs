// The dashboard in a real browser: playwright-core drives Debian's chromium against
// `overture serve --sandbox` on loopback. It signs in, uploads leads, pauses and starts the
// sandbox campaign, sees accepted invitations appear, withdraws one from the table and watches
// the engine carry the withdrawal out, saving a screenshot of each page on the way.
//
// Run by scripts/browser-test.sh (which installs chromium and playwright-core); by hand:
//   cargo build -p overture && (cd tests/browser && npm ci && npm test)
// OVERTURE_BIN names the binary (default target/debug/overture), CHROMIUM the browser
// (default /usr/bin/chromium), OVERTURE_SCREENSHOTS where the screenshots go
// (default target/browser-screenshots).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..', '..');
const bin = process.env.OVERTURE_BIN ?? join(root, 'target', 'debug', 'overture');
const shots = process.env.OVERTURE_SCREENSHOTS ?? join(root, 'target', 'browser-screenshots');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

let server, base, password, browser, page, scratch;

/** Starts the sandbox; resolves with its address and the demo owner's password. */
function startSandbox(dir) {
  return new Promise((done, fail) => {
    const child = spawn(bin, [
      '--db', join(dir, 'sandbox.db'),
      'serve', '--sandbox', '--bind', '127.0.0.1:0',
      // 6,000x: a simulated day every 14.4 seconds.
      '--speed', '6000', '--leads', '120', '--until', '10m',
    ], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, OVERTURE_LOG: 'warn' } });
    const lines = createInterface({ input: child.stderr });
    const timer = setTimeout(() => fail(new Error('the sandbox did not say how to sign in')), 60_000);
    lines.on('line', (line) => {
      const m = line.match(/^Open http:\/\/([^/]+)\/login .* with the password (\S+)/);
      if (m) {
        clearTimeout(timer);
        done({ child, address: m[1], password: m[2] });
      }
    });
    child.on('exit', (code) => fail(new Error(`overture serve --sandbox exited with ${code}`)));
  });
}

async function shot(name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** Reloads `path` until `check()` holds (the sandbox's engine moves on its own). */
async function eventually(path, check, what, tries = 90) {
  for (let i = 0; i < tries; i++) {
    await page.goto(base + path);
    if (await check()) return;
    await page.waitForTimeout(1000);
  }
  assert.fail(`never saw ${what} on ${path}`);
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'overture-browser-'));
  const started = await startSandbox(scratch);
  server = started.child;
  base = `http://${started.address}`;
  password = started.password;
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('a wrong password is refused and the right one signs in', async () => {
  await page.goto(`${base}/`);
  // Not signed in: the dashboard sends the browser to the sign-in page.
  assert.match(page.url(), /\/login/);
  await shot('01-login');
  await page.getByTestId('login-email').fill('demo@example.com');
  await page.getByTestId('login-password').fill('not the password');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-error').waitFor();
  await page.getByTestId('login-email').fill('demo@example.com');
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav').waitFor();
  assert.equal(await page.getByTestId('account-row').count(), 3);
});

test('the overview shows each account with its pending gauge', async () => {
  await eventually('/', async () => {
    const counts = await page.getByTestId('pending-count').allTextContents();
    return counts.some((c) => parseInt(c, 10) > 0);
  }, 'a pending invitation');
  assert.equal(await page.getByTestId('pending-gauge').count(), 3);
  await shot('02-overview');
});

test('leads are uploaded from a CSV file', async () => {
  const csv = join(scratch, 'leads.csv');
  writeFileSync(csv, 'First Name,Last Name,LinkedIn URL,Company\n'
    + 'Nova,Example,https://www.linkedin.com/in/browser-nova-example,Example Labs\n'
    + 'Orin,Example,https://www.linkedin.com/in/browser-orin-example,Example Works\n');
  await page.goto(`${base}/leads`);
  await page.getByTestId('upload-list').fill('browser-upload');
  await page.getByTestId('upload-file').setInputFiles(csv);
  await page.getByTestId('upload-submit').click();
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').innerText(), /2/);
  assert.ok(await page.getByTestId('list-item').filter({ hasText: 'browser-upload' }).count() >= 1);
  await shot('03-leads');
});

test('the sandbox campaign is paused and started from its page', async () => {
  await page.goto(`${base}/campaigns`);
  await shot('04-campaigns');
  await page.getByTestId('campaign-link').first().click();
  await page.getByTestId('funnel').waitFor();
  await page.getByTestId('campaign-pause').click();
  await page.getByTestId('campaign-start').waitFor();
  assert.match(await page.getByTestId('campaign-status').first().innerText(), /paused/i);
  await page.getByTestId('campaign-start').click();
  await page.getByTestId('campaign-pause').waitFor();
  assert.match(await page.getByTestId('campaign-status').first().innerText(), /running|active/i);
  await shot('05-campaign');
});

test('accepted invitations appear in the table', async () => {
  await eventually('/invitations?state=accepted', async () =>
    (await page.locator('[data-testid="invitation-row"][data-state="accepted"]').count()) > 0,
  'an accepted invitation');
  await shot('06-invitations-accepted');
});

test('a young invitation is kept by the governor, an old one is withdrawn through it', async () => {
  // Younger than the policy's min_age (3 days): the governor keeps it and says so.
  await page.goto(`${base}/invitations?state=pending`);
  const young = page.locator('[data-testid="invitation-row"][data-state="pending"]').last();
  await young.getByTestId('withdraw-one').click();
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').innerText(), /kept by the account's policy/);
  await shot('07-withdraw-kept');

  // Four simulated days later, an invitation that old is withdrawn through the governor.
  const old = '/invitations?state=pending&older_than=4';
  await eventually(old, async () =>
    (await page.locator('[data-testid="invitation-row"][data-state="pending"]').count()) > 0,
  'a pending invitation 4 days old');
  const row = page.locator('[data-testid="invitation-row"][data-state="pending"]').first();
  const id = await row.getAttribute('data-invitation');
  await row.getByTestId('withdraw-one').click();
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').innerText(), /^1 withdrawal\(s\) queued/);
  await shot('08-withdraw-queued');
  // The engine carries the withdrawal out inside the account's limits and working hours.
  await eventually('/invitations?state=withdrawn', async () =>
    (await page.locator(`[data-testid="invitation-row"][data-invitation="${id}"]`).count()) === 1,
  `invitation ${id} withdrawn`);
  await shot('09-invitations-withdrawn');
});

test('the charts and the event feed render', async () => {
  await page.goto(`${base}/charts`);
  await page.getByTestId('chart-weeks').waitFor();
  await shot('10-charts');
  await page.goto(`${base}/events`);
  await page.getByTestId('event-row').first().waitFor();
  await shot('11-events');
});
