// The review room end to end in a real browser: Debian's chromium driven by playwright-core.
// A tiny example film is rendered with the tiny test model by `shotgen render`, served by
// `shotgen serve`, and used as a filmmaker would: the page loads, a take plays, a take is approved
// (and `shotgen take list` says so), a shot is re-rolled and the new take arrives through the
// live queue, and requests with '..' or without the token are refused.
//
// Environment (set by CTest, tests/CMakeLists.txt): SHOTGEN_BINARY, SHOTGEN_TINY_MODEL,
// SHOTGEN_ARTIFACT_DIR (a screenshot per run goes there); SHOTGEN_DOCS_SCREENSHOT=PATH also
// writes the screenshot to PATH (docs/review_room.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, rm, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { existsSync } from 'node:fs';

// Installed by `npm ci --no-audit --no-fund` in tests/serve/e2e (scripts/setup.sh runs it).
const { chromium } = await import('playwright-core').catch(() => {
  throw new Error('playwright-core is not installed: run `npm ci --no-audit --no-fund` in tests/serve/e2e (scripts/setup.sh does)');
});
assert.ok(existsSync('/usr/bin/chromium'), "Debian's chromium is missing: apt-get install chromium (scripts/setup.sh does)");

const binary = process.env.SHOTGEN_BINARY;
const model = process.env.SHOTGEN_TINY_MODEL;
const artifacts = process.env.SHOTGEN_ARTIFACT_DIR || tmpdir();
assert.ok(binary && model, 'SHOTGEN_BINARY and SHOTGEN_TINY_MODEL must be set (CTest sets them)');

const env = { ...process.env, SHOTGEN_MODEL_DIR: model, SHOTGEN_THREADS: '1' };
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const FILM = `format_version = 1
[film]
title = "The Lantern Keeper"
fps = 8
resolution = "128x64"
default_shot_duration = 1.0
seed_policy = "per_shot"
seed = 7

[style]
block = "Hand-painted 2D animation, brushstroke texture on every surface."

[negative]
format = ["low detail"]
anatomy = ["extra fingers"]
quality = ["blurry", "watermark"]

[look]
lighting = "golden hour"
palette = "warm"
shot_size = "wide shot"

[render]
size = "32x16"
steps = 2

[routing]
fallback = ["final", "turbo"]

[[scenes]]
id = "s1"
title = "The harbour at dusk"

[[scenes.shots]]
id = "s1_01"
action = "a lamplighter walks along the harbor wall"
look = { camera_move = "pan right" }

[[scenes.shots]]
id = "s1_02"
action = "the lamplighter lifts her pole to the first lantern"
negative = ["crowds"]

[[scenes]]
id = "s2"
title = "Rain"

[[scenes.shots]]
id = "s2_01"
action = "rain falls on the lit lanterns"
`;

function run(args) {
  return new Promise((resolve) => {
    execFile(binary, args, { env, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

// Starts `shotgen serve` and resolves with the address it printed.
function serve(args) {
  const child = spawn(binary, ['-C', workspace, 'serve', '--port', '0', ...args], { env });
  let output = '';
  const address = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/(http:\/\/\S+)/);
      if (match) resolve(match[1]);
    });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => reject(new Error(`shotgen serve exited ${code}: ${output}`)));
  });
  return { child, address };
}

// One raw request, path sent exactly as given (no URL normalisation of '..').
function raw(base, path, { method = 'GET', headers = {} } = {}) {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, path, method, headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

async function takeList(shot) {
  const result = await run(['-C', workspace, 'take', 'list', shot, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

let dir, workspace, server, base, context, page;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shotgen-e2e-'));
  workspace = join(dir, 'lantern');
  await mkdir(join(workspace, 'references'), { recursive: true });
  await mkdir(join(workspace, 'renders'), { recursive: true });
  await writeFile(join(workspace, 'film.toml'), FILM);
  const rendered = await run(['-C', workspace, 'render', '--all']);
  assert.equal(rendered.code, 0, `shotgen render --all failed:\n${rendered.stdout}\n${rendered.stderr}`);
  server = serve([]);
  base = await server.address;
  // A fresh profile folder per run (playwright passes it to chromium as --user-data-dir).
  context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, viewport: { width: 1440, height: 900 },
  });
  page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
});

after(async () => {
  if (context) await context.close();
  if (server) server.child.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the page loads with the film, its scenes, shots and posters', async () => {
  const started = Date.now();
  await page.goto(base);
  await page.waitForSelector('.card img');
  await page.waitForFunction(() => [...document.querySelectorAll('.card img')].every((img) => img.complete && img.naturalWidth > 0));
  console.log(`page with posters in ${Date.now() - started} ms`);
  assert.equal(await page.textContent('#film-title'), 'The Lantern Keeper');
  assert.equal(await page.locator('.scene').count(), 2);
  assert.equal(await page.locator('.card').count(), 3);
  assert.equal(await page.locator('.card img').count(), 3);
  assert.match(await page.textContent('#film-badges'), /audit: 3\/3 ok/);
});

test('a take plays and playback advances', async () => {
  await page.click('.card[data-shot="s1_01"]');
  await page.waitForSelector('#shot-id:text("s1_01")');
  await page.waitForFunction(() => {
    const video = document.getElementById('player');
    return video.currentSrc.includes('/files/renders/s1_01/') && video.currentTime > 0;
  }, null, { timeout: 20000 });
  const playing = await page.evaluate(() => {
    const video = document.getElementById('player');
    return { time: video.currentTime, duration: video.duration, paused: video.paused };
  });
  assert.ok(playing.time > 0 && playing.duration > 0, JSON.stringify(playing));
  // Scrubbing: the browser fetches the MP4 with Range requests and can seek.
  await page.evaluate(() => { document.getElementById('player').currentTime = 0.5; });
  await page.waitForFunction(() => !document.getElementById('player').seeking);
  // The prompt is shown by section: the style block apart from the look and the negative layers.
  assert.equal(await page.locator('#prompt-positive .section.style').count(), 1);
  // How closely the take looks as asked: the style block names a style the analyzers measure.
  assert.match(await page.textContent('#take-meta'), /look \d+\/\d+ as asked/);
  assert.ok(await page.locator('#prompt-positive .section.look').count() >= 2);
  assert.ok(await page.locator('#prompt-negative .section.neg-block').count() >= 3);
});

test('approving a take shows in `shotgen take list`', async () => {
  await page.click('.card[data-shot="s1_01"]');
  await page.waitForSelector('#approve:not([disabled])');
  await page.click('#approve');
  await page.waitForSelector('.card.approved[data-shot="s1_01"]');
  const takes = await takeList('s1_01');
  assert.equal(takes.length, 1);
  assert.equal(takes[0].approved, true);
  assert.equal(takes[0].chosen, true);
  assert.match(await page.textContent('#cli-hint'), /shotgen take approve s1_01 1/);
});

test('re-rolling a shot brings a new take through the live queue', async () => {
  await page.click('.card[data-shot="s1_02"]');
  await page.waitForSelector('#shot-id:text("s1_02")');
  await page.waitForSelector('#live.on');
  const before = await page.locator('#takes .take').count();
  // Record what the live stream shows while the job runs: its queue row and the worker's state.
  await page.evaluate(() => {
    window.seen = { queued: false, worker: false };
    new MutationObserver(() => {
      if (document.querySelector('#jobs .job[data-shot="s1_02"]')) window.seen.queued = true;
      if (document.getElementById('worker').classList.contains('busy')) window.seen.worker = true;
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.click('#reroll');
  await page.waitForFunction((n) => document.querySelectorAll('#takes .take').length === n + 1, before, { timeout: 120000 });
  const seen = await page.evaluate(() => window.seen);
  assert.ok(seen.queued || seen.worker, 'the queue panel never showed the job');
  const takes = await takeList('s1_02');
  assert.equal(takes.length, before + 1);
  // The page's re-roll is `shotgen render s1_02 --takes 2`: the CLI finds nothing left to do
  // (once the worker has let go of the workspace's render lock).
  await page.waitForFunction(() => document.getElementById('worker').textContent === 'worker idle', null, { timeout: 60000 });
  const again = await run(['-C', workspace, 'render', 's1_02', '--takes', String(before + 1)]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /0 take\(s\) rendered, 2 already done/);
  // Play the new take: it is the last one in the strip.
  await page.locator('#takes .take').last().click();
  await page.waitForFunction(() => document.getElementById('player').currentTime > 0, null, { timeout: 20000 });
  await page.waitForTimeout(300);
  const shot = join(artifacts, 'review_room.png');
  await page.screenshot({ path: shot });
  if (process.env.SHOTGEN_DOCS_SCREENSHOT) await copyFile(shot, process.env.SHOTGEN_DOCS_SCREENSHOT);
  console.log(`screenshot: ${shot}`);
});

test("requests with '..' or without the token are refused", async () => {
  for (const path of ['/files/../film.toml', '/files/renders/../../film.toml', '/files/renders/%2e%2e/film.toml']) {
    const answer = await raw(base, path);
    assert.equal(answer.status, 400, `${path}: ${answer.body}`);
    assert.equal(JSON.parse(answer.body).error.code, 'bad-path');
  }
  assert.equal((await raw(base, '/files/shotgen.db')).status, 403);
  const change = await raw(base, '/api/shots/s1_01/takes/1/reject', { method: 'POST' });
  assert.equal(change.status, 401);
  assert.equal((await takeList('s1_01'))[0].status, 'done');

  // Bound to an address other than loopback, every request needs the token.
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, 'e2e-review-token-0123456789\n');
  const guarded = serve(['--bind', '127.0.0.2', '--token-file', tokenFile]);
  try {
    const address = await guarded.address;
    assert.match(address, /\?token=e2e-review-token-0123456789$/);
    const plain = address.replace(/\?.*$/, '');
    assert.equal((await raw(plain, '/api/film')).status, 401);
    assert.equal((await raw(plain, '/')).status, 401);
    assert.equal((await raw(plain, '/api/film?token=wrong-token-00000000000')).status, 401);
    assert.equal((await raw(plain, '/api/film?token=e2e-review-token-0123456789')).status, 200);
    const page2 = await context.newPage();
    await page2.goto(address);
    await page2.waitForSelector('.card img');
    await page2.close();
  } finally {
    guarded.child.kill('SIGTERM');
  }
});
