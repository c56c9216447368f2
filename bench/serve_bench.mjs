// Benchmark of the review room (`shotgen serve`), for the targets of issue 15:
//   1. the page of a generated 100-shot film loads in < 1 s (Debian's chromium): the whole grid, and
//      the posters in the window decoded;
//   2. the API answers 50 concurrent requests while a render runs, without a failed request or a
//      lost job.
// It generates the film, renders it with the tiny test model, starts `shotgen serve`, measures the
// page load (fresh browser context per run, so nothing is cached), then starts a render of one more
// take per shot in the server's worker and fires rounds of 50 concurrent requests (reads, a Range
// request of a take, approvals) while it runs; afterwards every job must be done.
//
//   node bench/serve_bench.mjs [--binary build/shotgen] [--shots 100] [--concurrency 50] [--rounds 4]
//                              [--loads 5] [--model tests/data/engine/tiny_model]
// Needs playwright-core installed in tests/serve/e2e (scripts/setup.sh) and /usr/bin/chromium.
// Prints one JSON report on stdout. Loopback only; bounded in requests and time.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(repo, 'tests/serve/e2e/package.json'));
const { chromium } = require('playwright-core');

const options = { binary: join(repo, 'build/shotgen'), shots: 100, concurrency: 50, rounds: 4, loads: 5,
  model: join(repo, 'tests/data/engine/tiny_model') };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  if (!(key in options)) throw new Error(`unknown option ${process.argv[i]}`);
  options[key] = typeof options[key] === 'number' ? Number(process.argv[i + 1]) : resolve(process.argv[i + 1]);
}
const env = { ...process.env, SHOTGEN_MODEL_DIR: options.model, SHOTGEN_THREADS: '1' };
const log = (...args) => console.error('[serve_bench]', ...args);

function filmToml(shots) {
  const scenes = 10;
  let toml = `format_version = 1
[film]
title = "Benchmark Reel"
fps = 8
resolution = "128x64"
default_shot_duration = 0.5
seed_policy = "per_shot"
seed = 11

[style]
block = "Hand-painted 2D animation, brushstroke texture on every surface."

[negative]
format = ["low detail"]
anatomy = ["extra fingers"]
quality = ["blurry", "watermark"]

[look]
lighting = "golden hour"
palette = "warm"

[render]
size = "32x16"
steps = 2

[routing]
fallback = ["final", "turbo"]
`;
  for (let s = 0; s < scenes; ++s) {
    toml += `\n[[scenes]]\nid = "sc${s}"\ntitle = "Scene ${s + 1}"\n`;
    for (let k = 0; k < shots / scenes; ++k)
      toml += `\n[[scenes.shots]]\nid = "sc${s}_${String(k).padStart(2, '0')}"\naction = "a lamplighter walks along the harbor, shot ${k + 1}"\n`;
  }
  return toml;
}

function run(args) {
  return new Promise((done, fail) => {
    execFile(options.binary, args, { env, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      error ? fail(new Error(`${args.join(' ')}: ${stderr || error.message}`)) : done(stdout));
  });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const round1 = (x) => Math.round(x * 10) / 10;

const dir = await mkdtemp(join(tmpdir(), 'shotgen-serve-bench-'));
const workspace = join(dir, 'reel');
let server = null;
let browser = null;
try {
  await mkdir(join(workspace, 'references'), { recursive: true });
  await mkdir(join(workspace, 'renders'), { recursive: true });
  await writeFile(join(workspace, 'film.toml'), filmToml(options.shots));
  let started = Date.now();
  await run(['-C', workspace, 'render', '--all']);
  const renderSeconds = (Date.now() - started) / 1000;
  log(`rendered ${options.shots} shots in ${renderSeconds} s`);

  server = spawn(options.binary, ['-C', workspace, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise((done, fail) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/(http:\/\/\S+)/);
      if (match) done(match[1].replace(/\/$/, ''));
    });
    server.on('exit', (code) => fail(new Error(`shotgen serve exited ${code}`)));
  });
  const page0 = await (await fetch(`${base}/`)).text();
  const token = page0.match(/name="shotgen-token" content="([^"]+)"/)[1];

  // 1. Page loads: navigation start to every poster of the grid decoded.
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });  // a fresh temporary profile; each load below in a new context (empty cache)
  const loads = [];
  for (let i = 0; i < options.loads; ++i) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/`, { waitUntil: 'commit' });
    // Loaded: all cards in the grid and every poster in the window decoded (posters further down
    // load lazily, as the filmmaker scrolls).
    await page.waitForFunction((n) => {
      const images = [...document.querySelectorAll('.card img')];
      const visible = images.filter((img) => {
        const box = img.getBoundingClientRect();
        return box.bottom > 0 && box.top < window.innerHeight;
      });
      return images.length === n && visible.length > 0 && visible.every((img) => img.complete && img.naturalWidth > 0);
    }, options.shots, { timeout: 30000, polling: 10 });
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const visible = [...document.querySelectorAll('.card img')].filter((img) => img.getBoundingClientRect().top < window.innerHeight);
      return { all_posters_ms: performance.now(), visible_posters: visible.length,
        dom_content_loaded_ms: nav.domContentLoadedEventEnd, load_ms: nav.loadEventEnd };
    });
    loads.push(timing);
    await context.close();
  }
  log('page loads (ms):', loads.map((l) => Math.round(l.all_posters_ms)).join(', '));

  // 2. 50 concurrent requests while the server's worker renders one more take of every shot.
  const filmView = await (await fetch(`${base}/api/film`)).json();
  const shots = filmView.scenes.flatMap((scene) => scene.shots);
  const render = await fetch(`${base}/api/render`, {
    method: 'POST', headers: { 'X-Shotgen-Token': token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ all: true, takes: 2 }),
  });
  const enqueued = await render.json();
  if (!render.ok) throw new Error(`render request failed: ${JSON.stringify(enqueued)}`);
  log(`enqueued ${enqueued.jobs.length} jobs: ${enqueued.cli}`);
  const queueState = async () => (await (await fetch(`${base}/api/queue`)).json());
  while ((await queueState()).worker.state !== 'rendering') await new Promise((r) => setTimeout(r, 50));

  const requests = [
    (i) => ({ path: '/api/film' }),
    (i) => ({ path: `/api/shots/${shots[i % shots.length].id}` }),
    (i) => ({ path: '/api/queue' }),
    (i) => ({ path: shots[i % shots.length].chosen.poster }),
    (i) => ({ path: shots[i % shots.length].chosen.mp4, headers: { Range: 'bytes=0-1023' }, expect: 206 }),
    (i) => ({ path: `/api/shots/${shots[i % shots.length].id}/takes/1/approve`, method: 'POST', headers: { 'X-Shotgen-Token': token } }),
  ];
  const results = [];
  const rounds = [];
  for (let round = 0; round < options.rounds; ++round) {
    const start = performance.now();
    const batch = await Promise.all(Array.from({ length: options.concurrency }, async (_, i) => {
      const spec = requests[i % requests.length](round * options.concurrency + i);
      const t0 = performance.now();
      try {
        const response = await fetch(`${base}${spec.path}`, { method: spec.method || 'GET', headers: spec.headers });
        await response.arrayBuffer();
        const ok = response.status === (spec.expect || 200);
        return { ok, status: response.status, ms: performance.now() - t0, path: spec.path };
      } catch (error) {
        return { ok: false, status: String(error.cause || error), ms: performance.now() - t0, path: spec.path };
      }
    }));
    const q = await queueState();
    rounds.push({ wall_ms: round1(performance.now() - start), render_running: q.worker.state === 'rendering',
      jobs_done: q.counts.done, jobs_queued: q.counts.queued });
    results.push(...batch);
  }
  const failures = results.filter((r) => !r.ok);
  log(`${results.length} requests, ${failures.length} failed`);

  // Every job of the render ends done: none lost, none failed.
  started = Date.now();
  let q = await queueState();
  while ((q.counts.queued || q.counts.running || q.worker.state !== 'idle') && Date.now() - started < 20 * 60 * 1000) {
    await new Promise((r) => setTimeout(r, 500));
    q = await queueState();
  }
  const after = await (await fetch(`${base}/api/film`)).json();
  const report = {
    machine: 'see bench/README.md', shots: options.shots, initial_render_s: renderSeconds,
    page_load: {
      runs_ms: loads.map((l) => Math.round(l.all_posters_ms)),
      median_ms: Math.round(percentile(loads.map((l) => l.all_posters_ms), 50)),
      max_ms: Math.round(Math.max(...loads.map((l) => l.all_posters_ms))),
      median_dom_content_loaded_ms: Math.round(percentile(loads.map((l) => l.dom_content_loaded_ms), 50)),
      visible_posters: loads[0].visible_posters,
      target_ms: 1000,
    },
    concurrent: {
      concurrency: options.concurrency, rounds, requests: results.length, failed: failures.length,
      failures: failures.slice(0, 5),
      latency_ms: { p50: round1(percentile(results.map((r) => r.ms), 50)), p95: round1(percentile(results.map((r) => r.ms), 95)),
        max: round1(Math.max(...results.map((r) => r.ms))) },
    },
    render_in_server: {
      jobs_enqueued: enqueued.jobs.length, jobs_done: q.counts.done, jobs_failed: q.counts.failed,
      jobs_cancelled: q.counts.cancelled, jobs_queued_left: q.counts.queued, takes: after.counts.takes,
      worker_last: q.worker.last,
      lost_jobs: options.shots * 2 - q.counts.done,
    },
  };
  console.log(JSON.stringify(report, null, 2));
  const ok = report.page_load.max_ms < 1000 && failures.length === 0 && report.render_in_server.lost_jobs === 0 &&
    !q.counts.failed;
  process.exitCode = ok ? 0 : 1;
} finally {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
