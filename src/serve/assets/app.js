// shotgen review room: the page of `shotgen serve`. Plain JavaScript, no build step, nothing
// fetched from elsewhere. It reads the JSON API, plays takes from /files/ (the browser scrubs with
// Range requests), sends changes as POSTs carrying the server's token in a header, and follows the
// render queue through server-sent events (/api/events).
'use strict';

const token = document.querySelector('meta[name="shotgen-token"]').content;
const $ = (id) => document.getElementById(id);

const state = {
  film: null,          // /api/film
  order: [],           // shot ids in story order
  cards: new Map(),    // shot id -> card element
  selected: null,      // shot id
  shot: null,          // /api/shots/<id>
  take: null,          // the take number playing
  queue: null,         // the last "queue" event
  takesVersion: null,
  progress: new Map(), // job id -> {shot, step, total}
  worker: null,
};

// ---- talking to the server ----------------------------------------------------------------------
// <video>, <img> and EventSource cannot send headers: their URLs carry the token.
function withToken(url) {
  return url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token);
}

async function api(path, options = {}) {
  const init = { method: options.method || 'GET', headers: { 'X-Shotgen-Token': token } };
  if (options.body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || `HTTP ${response.status}`);
  return data;
}

// ---- DOM helpers (text always through textContent: film.toml text is never parsed as HTML) -------
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child.nodeType ? child : String(child));
  }
  return el;
}

// replaceChildren() without the null/false entries conditional children leave.
function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
}

function badge(kind, text, title) {
  return h('span', { class: `badge ${kind}`, title }, text);
}

function lintBadge(lint, prefix = 'lint') {
  if (!lint) return null;
  if (lint.errors) return badge('error', `${prefix}: ${lint.errors} error${lint.errors > 1 ? 's' : ''}`);
  if (lint.warnings) return badge('warn', `${prefix}: ${lint.warnings} warning${lint.warnings > 1 ? 's' : ''}`);
  return badge('ok', `${prefix}: clean`);
}

function setAspect(el) {
  if (state.film && state.film.width > 0 && state.film.height > 0)
    el.style.aspectRatio = `${state.film.width} / ${state.film.height}`;
}

let toastTimer = null;
function toast(message, command, isError = false) {
  const el = $('toast');
  fill(el, h('div', { text: message }), command ? h('code', { text: command }) : null);
  el.className = isError ? 'toast error' : 'toast';
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, isError ? 9000 : 4500);
}

// ---- the film: header and scenes × shots board ---------------------------------------------------
async function loadFilm() {
  try {
    state.film = await api('/api/film');
  } catch (error) {
    toast(error.message, null, true);
    return;
  }
  renderHeader();
  renderBoard();
}

function stat(value, total, label) {
  const meter = total > 0 ? h('div', { class: 'meter' }, h('i')) : null;
  if (meter) meter.firstChild.style.width = `${Math.round((100 * value) / total)}%`;
  return h('div', { class: 'stat' }, h('b', { text: total !== null ? `${value} / ${total}` : `${value}` }),
    h('span', { text: label }), meter);
}

function renderHeader() {
  const film = state.film;
  document.title = `${film.title || 'Film'} · review room`;
  $('film-title').textContent = film.title || '(untitled)';
  $('film-meta').textContent = `${film.fps} fps · ${film.width}×${film.height} · ${film.counts.shots} shots · from ${film.source}`;
  $('stats').replaceChildren(
    stat(film.counts.rendered, film.counts.shots, 'rendered'),
    stat(film.counts.approved, film.counts.shots, 'approved'),
    stat(film.counts.takes, null, 'takes'));
  const audit = film.audit.offending
    ? badge('error', `audit: ${film.audit.offending} offending`, 'renders missing the style or negative block')
    : badge('ok', `audit: ${film.audit.ok}/${film.audit.total} ok`, 'every render carried the style and negative blocks');
  fill($('film-badges'), lintBadge(film.lint), audit);
  const outputs = film.outputs || {};
  for (const [id, key] of [['download-film', 'film'], ['download-timeline', 'timeline'], ['download-contact', 'contact_sheet']]) {
    const link = $(id);
    const file = outputs[key];
    link.classList.toggle('missing', !file);
    if (file) {
      link.href = withToken(file.url);
      link.title = `${file.path} (${Math.max(1, Math.round(file.bytes / 1024))} KB)`;
    } else {
      link.removeAttribute('href');
      link.title = 'not assembled yet: press Assemble (shotgen assemble)';
    }
  }
  const banner = $('banner');
  banner.hidden = film.problems.length === 0;
  if (film.problems.length)
    banner.textContent = `film.toml does not load (${film.problems[0].message})` +
      (film.source === 'database' ? ' — showing the film as last synced.' : '.');
}

function renderBoard() {
  const board = $('board');
  state.cards.clear();
  state.order = [];
  const scenes = state.film.scenes.map((scene) => {
    const cards = scene.shots.map((shot) => {
      state.order.push(shot.id);
      const card = shotCard(shot);
      state.cards.set(shot.id, card);
      return card;
    });
    return h('section', { class: 'scene', dataset: { scene: scene.id } },
      h('div', { class: 'scene-head' },
        h('span', { class: 'scene-id', text: scene.id }),
        h('h2', { text: scene.title || '' }),
        h('span', { class: 'count', text: `${scene.shots.length} shot${scene.shots.length === 1 ? '' : 's'}` }),
        scene.lint.errors || scene.lint.warnings ? lintBadge(scene.lint) : null),
      h('div', { class: 'shots' }, cards));
  });
  board.replaceChildren(...scenes);
  if (!state.order.length) board.append(h('p', { class: 'muted', text: 'The film has no shots yet.' }));
  markBusyShots();
  if (state.selected && state.cards.has(state.selected)) state.cards.get(state.selected).classList.add('selected');
}

function shotCard(shot) {
  const thumb = h('div', { class: 'thumb' });
  setAspect(thumb);
  if (shot.chosen && shot.chosen.poster)
    thumb.append(h('img', { src: withToken(shot.chosen.poster), alt: `${shot.id} take ${shot.chosen.take}`, loading: 'lazy' }));
  else thumb.append(h('div', { class: 'empty-thumb', text: 'no take yet' }));
  const flags = h('div', { class: 'flags' });
  if (shot.takes > 0) flags.append(h('span', { class: 'flag takes', text: `${shot.takes} take${shot.takes > 1 ? 's' : ''}` }));
  if (shot.lint.errors) flags.append(h('span', { class: 'flag error', text: `${shot.lint.errors} lint`, title: 'lint errors' }));
  else if (shot.lint.warnings) flags.append(h('span', { class: 'flag warn', text: `${shot.lint.warnings} lint`, title: 'lint warnings' }));
  if (shot.audit) flags.append(h('span', { class: 'flag error', text: 'audit', title: `${shot.audit} render(s) fail the audit` }));
  const look = shot.chosen && shot.chosen.look;
  if (look && look.matched < look.asked)
    flags.append(h('span', { class: 'flag warn', text: `look ${look.matched}/${look.asked}`, title: lookMisses(look).join('\n') }));
  thumb.append(flags);
  return h('button', {
    class: `card${shot.approved ? ' approved' : ''}`, dataset: { shot: shot.id }, type: 'button',
    title: shot.action, onclick: () => selectShot(shot.id),
  },
  thumb,
  h('div', { class: 'card-progress' }, h('i')),
  h('div', { class: 'card-body' },
    h('div', { class: 'card-title' }, h('b', { text: shot.id }), h('span', { text: `${shot.seconds} s` })),
    h('p', { class: 'card-action', text: shot.action })));
}

// ---- one shot: player, takes, actions, prompt ------------------------------------------------------
async function selectShot(id, keepTake = false) {
  if (state.selected !== id) {
    if (state.selected && state.cards.has(state.selected)) state.cards.get(state.selected).classList.remove('selected');
    state.selected = id;
    if (!keepTake) state.take = null;
    const card = state.cards.get(id);
    if (card) {
      card.classList.add('selected');
      card.scrollIntoView({ block: 'nearest' });
    }
    history.replaceState(null, '', `#shot=${encodeURIComponent(id)}`);
  }
  try {
    const detail = await api(`/api/shots/${encodeURIComponent(id)}`);
    if (state.selected === id) renderShot(detail);
  } catch (error) {
    toast(error.message, null, true);
  }
}

function takeByNumber(number) {
  return state.shot ? state.shot.takes.find((t) => t.take === number) : undefined;
}

function defaultTake(detail) {
  const chosen = detail.takes.find((t) => t.chosen);
  const withFile = detail.takes.filter((t) => t.mp4);
  return chosen || withFile[withFile.length - 1] || detail.takes[detail.takes.length - 1];
}

function renderShot(detail) {
  state.shot = detail;
  $('inspector-empty').hidden = true;
  $('shot-view').hidden = false;
  $('shot-scene').textContent = `Scene ${detail.scene.id}${detail.scene.title ? ' · ' + detail.scene.title : ''} · ${detail.seconds} s`;
  $('shot-id').textContent = detail.id;
  $('shot-action').textContent = detail.action;
  const errors = detail.lint.filter((f) => f.severity === 'error').length;
  const warnings = detail.lint.length - errors;
  fill($('shot-badges'),
    lintBadge({ errors, warnings }),
    detail.in_film ? null : badge('warn', 'not in film.toml'),
    detail.takes.some((t) => t.approved) ? badge('ok', 'approved') : null);

  // Keep playing what plays: the same take of the same shot is not reloaded.
  const current = (state.take !== null && detail.takes.find((t) => t.take === state.take)) || defaultTake(detail);
  renderTakes(detail, current);
  showTake(current);

  const backends = (state.film && state.film.backends) || [];
  const route = detail.route ? detail.route.backends : [];
  const select = $('reroute-backend');
  const previous = select.value;
  select.replaceChildren(...backends.map((b) => h('option', { value: b, text: b })));
  select.value = backends.includes(previous) && previous !== route[0] ? previous : (backends.find((b) => b !== route[0]) || backends[0] || '');
  $('reroll').title = `Render one more take with the next seed (R): shotgen render ${detail.id} --takes ${detail.reroll_takes}`;
  $('reroll').disabled = !detail.in_film;
  $('reroute').disabled = !detail.in_film || !backends.length;

  const active = detail.jobs.filter((j) => j.state === 'queued' || j.state === 'running');
  $('shot-jobs').textContent = active.length
    ? `${active.length} job${active.length > 1 ? 's' : ''} in the queue: ` + active.map((j) => `take ${j.take} on ${j.backend} (${j.state})`).join(', ')
    : '';
  renderPrompt(detail);
  renderLint(detail.lint);
}

function renderTakes(detail, current) {
  const strip = $('takes');
  if (!detail.takes.length) {
    strip.replaceChildren(h('p', { class: 'muted', text: 'No takes yet.' }));
    return;
  }
  strip.replaceChildren(...detail.takes.map((take) => {
    const thumb = h('div', { class: 'thumb' });
    setAspect(thumb);
    if (take.poster) thumb.append(h('img', { src: withToken(take.poster), alt: `take ${take.take}`, loading: 'lazy' }));
    else thumb.append(h('div', { class: 'empty-thumb', text: take.fault ? 'bad file' : 'no file' }));
    const chips = h('span', {},
      take.approved ? h('span', { class: 'chip approved', text: '✓' }) : null,
      take.status !== 'done' ? h('span', { class: `chip ${take.status}`, text: take.status }) : null,
      take.audit.length ? h('span', { class: 'chip audit', text: 'audit', title: take.audit.join(', ') }) : null);
    return h('button', {
      class: `take ${take.status}${current && take.id === current.id ? ' current' : ''}`, type: 'button',
      dataset: { take: String(take.take), takeId: String(take.id) },
      title: take.reroute_reason || take.fault || `${take.backend}, seed ${take.seed}`,
      onclick: () => showTake(take),
    }, thumb, h('div', { class: 'take-label' }, h('b', { text: `Take ${take.take}${take.chosen ? ' ★' : ''}` }),
      h('span', { class: 'chip', text: take.backend }), chips));
  }));
}

function showTake(take) {
  const player = $('player');
  document.querySelectorAll('#takes .take').forEach((el) => {
    el.classList.toggle('current', !!take && el.dataset.takeId === String(take.id));
  });
  setAspect($('viewer'));
  $('no-take').hidden = !!(take && take.mp4);
  const source = take && take.mp4 ? withToken(take.mp4) : '';
  if (player.dataset.source !== source) {
    player.dataset.source = source;
    if (source) {
      player.poster = take.poster ? withToken(take.poster) : '';
      player.src = source;
      player.play().catch(() => {});
    } else {
      player.removeAttribute('src');
      player.removeAttribute('poster');
      player.load();
    }
  }
  state.take = take ? take.take : null;
  const meta = $('take-meta');
  if (!take) {
    meta.replaceChildren();
  } else {
    const timings = take.timings || {};
    fill(meta,
      h('span', {}, h('b', { text: `Take ${take.take}` }), take.chosen ? ' · in the film' : ''),
      h('span', {}, 'backend ', h('b', { text: take.backend })),
      h('span', {}, 'seed ', h('b', { text: take.seed })),
      h('span', {}, 'status ', h('b', { text: take.approved ? 'approved' : take.status })),
      timings.model_s !== undefined ? h('span', { text: `${timings.model_s.toFixed(1)} s model · ${(timings.encode_s || 0).toFixed(1)} s encode` }) : null,
      lookSummary(take.look),
      take.reroute_reason ? h('span', { class: 'muted', text: take.reroute_reason }) : null,
      take.fault ? h('span', { class: 'muted', text: `bad file: ${take.fault}` }) : null);
  }
  const finished = !!take && take.status === 'done';
  $('approve').disabled = !finished || take.approved;
  $('reject').disabled = !finished;
  renderTakePrompt(take);
}

// The checks of a take's look (render/look_match.h) that missed, one line each.
function lookMisses(look) {
  return look.checks.filter((c) => !c.matches).map((c) => `${c.dimension}: asked ${c.asked}, measured ${c.measured || 'nothing'}`);
}

// What the finishing drew where the model missed: the reframe's camera moves, the style texture's
// styles, the palette match's palettes.
function lookFinishing(look) {
  return look.checks.filter((c) => c.drawn_by)
    .map((c) => `${c.dimension}: ${c.measured} drawn by the ${c.drawn_by}`);
}

// How closely the take looks as its prompt asks; what missed, and what the finishing drew, in the tooltip.
function lookSummary(look) {
  if (!look || !look.asked) return null;
  const notes = [...lookMisses(look), ...lookFinishing(look)];
  return h('span', { title: notes.join('\n') || 'every measured look as asked' }, 'look ', h('b', { text: `${look.matched}/${look.asked}` }), ' as asked');
}

// A prompt section's look: which block it belongs to and what to call it.
function sectionStyle(name) {
  if (name === 'style') return ['style', 'style block'];
  if (name === 'action') return ['action', 'action'];
  if (name.startsWith('reference:')) return ['reference', `reference ${name.slice(10)}`];
  if (name.startsWith('negative:reference:')) return ['neg-reference', `ignore · ${name.slice(19)}`];
  if (name === 'negative:scene') return ['neg-extra', 'scene extra'];
  if (name === 'negative:shot') return ['neg-extra', 'shot extra'];
  if (name.startsWith('negative:')) return ['neg-block', `negative block · ${name.slice(9)}`];
  return ['look', name.replace(/_/g, ' ')];
}

function renderPrompt(detail) {
  const positive = $('prompt-positive');
  const negative = $('prompt-negative');
  const prompt = detail.prompt;
  if (!prompt) {
    const why = detail.prompt_error ? detail.prompt_error.message : 'the shot is not in film.toml';
    positive.replaceChildren(h('p', { class: 'muted', text: `No prompt: ${why}` }));
    negative.replaceChildren();
    $('prompt-backend').textContent = '';
    $('prompt-legend').replaceChildren();
    return;
  }
  const route = detail.route ? `route ${detail.route.backends.join(' → ')} (${detail.route.decided_by})` : '';
  $('prompt-backend').textContent = `for ${prompt.backend} · ${prompt.positive_words} + ${prompt.negative_words} words` +
    (prompt.max_prompt_words ? ` of ${prompt.max_prompt_words}` : '') + (route ? ` · ${route}` : '');
  const chip = (section) => {
    const [kind, label] = sectionStyle(section.name);
    return h('span', {
      class: `section ${kind}${section.cut ? ' cut' : ''}`, dataset: { section: section.name },
      title: section.cut ? "cut to fit the backend's word limit" : section.name,
    }, h('small', { text: label }), h('span', { text: section.text }));
  };
  positive.replaceChildren(...prompt.sections.filter((s) => s.kind === 'positive').map(chip));
  negative.replaceChildren(...prompt.sections.filter((s) => s.kind === 'negative').map(chip));
  const legend = [['style', 'style block'], ['look', 'look'], ['reference', 'references'], ['neg', 'negative block'],
    ['neg-extra', 'scene / shot negatives'], ['neg-ref', 'reference ignores']];
  $('prompt-legend').replaceChildren(...legend.map(([colour, text]) => {
    const swatch = h('i');
    swatch.style.background = `var(--${colour})`;
    return h('span', {}, swatch, text);
  }));
}

function renderTakePrompt(take) {
  const box = $('take-prompt');
  if (!take) {
    box.replaceChildren();
    return;
  }
  const note = take.prompt_current
    ? `Take ${take.take} was rendered with exactly this prompt.`
    : `Take ${take.take} was rendered with another prompt (film.toml changed since):`;
  fill(box, h('div', { class: 'recorded' }, note,
    take.prompt_current ? null : h('pre', { text: `${take.positive}\n\nnegative: ${take.negative}` }),
    take.missing_terms.length ? h('div', { class: 'muted', text: `audit: missing ${take.missing_terms.join(', ')}` }) : null));
}

function renderLint(findings) {
  const list = $('shot-lint');
  if (!findings.length) {
    list.replaceChildren(h('li', { class: 'none', text: 'Nothing to report.' }));
    return;
  }
  list.replaceChildren(...findings.map((f) => h('li', { class: f.severity },
    h('span', { class: 'code', text: f.code }), f.message, f.fix ? h('span', { class: 'fix', text: f.fix }) : null)));
}

// ---- changes: each is a CLI command, which the toast names ----------------------------------------
async function change(label, path, body) {
  try {
    const answer = await api(path, { method: 'POST', body });
    const jobs = answer.jobs ? ` (${answer.jobs.length} job${answer.jobs.length === 1 ? '' : 's'} queued)` : '';
    toast(label + jobs, answer.cli);
    $('cli-hint').textContent = answer.cli ? `$ ${answer.cli}` : '';
    return answer;
  } catch (error) {
    toast(error.message, null, true);
    return null;
  } finally {
    await Promise.all([loadFilm(), state.selected ? selectShot(state.selected) : null]);
  }
}

function currentTake() {
  return state.take !== null ? takeByNumber(state.take) : undefined;
}

function approve() {
  const take = currentTake();
  if (take && take.status === 'done' && !take.approved)
    change(`Approved take ${take.take} of ${state.selected}`, `/api/shots/${encodeURIComponent(state.selected)}/takes/${take.take}/approve`);
}

function reject() {
  const take = currentTake();
  if (take && take.status === 'done')
    change(`Rejected take ${take.take} of ${state.selected}`, `/api/shots/${encodeURIComponent(state.selected)}/takes/${take.take}/reject`);
}

function reroll() {
  if (state.selected) change(`Re-rolling ${state.selected}`, `/api/shots/${encodeURIComponent(state.selected)}/reroll`);
}

function reroute() {
  const backend = $('reroute-backend').value;
  if (state.selected && backend)
    change(`Re-routing ${state.selected} to ${backend}`, `/api/shots/${encodeURIComponent(state.selected)}/reroute`, { backend });
}

// ---- the queue, live ---------------------------------------------------------------------------------
function onQueue(queue) {
  state.queue = queue;
  if (queue.worker) state.worker = queue.worker;
  renderQueue();
  markBusyShots();
  const changed = state.takesVersion !== null && state.takesVersion !== queue.takes_version;
  state.takesVersion = queue.takes_version;
  const selectedBusy = state.selected && (queue.jobs.some((j) => j.shot === state.selected) ||
    (state.shot && state.shot.jobs.length));
  if (changed) loadFilm();
  if (state.selected && (changed || selectedBusy)) selectShot(state.selected);
}

function onProgress(event) {
  if (event.event === 'step' || event.event === 'started') {
    state.progress.set(event.job, { shot: event.shot, step: event.step, total: event.total });
  } else if (event.job) {
    state.progress.delete(event.job);
  } else if (event.event === 'finished') {
    state.progress.clear();
  }
  updateBars();
}

function onWorker(worker) {
  const before = state.worker;
  state.worker = worker;
  renderWorker();
  const last = worker.last;
  if (last && (!before || JSON.stringify(before.last) !== JSON.stringify(last)))
    toast(last.ok ? `Done: ${last.message}` : `Failed: ${last.message}`, last.task, !last.ok);
}

function renderWorker() {
  const worker = state.worker;
  const el = $('worker');
  if (!worker) return;
  const busy = worker.state !== 'idle';
  el.classList.toggle('busy', busy);
  const waiting = worker.pending.length ? ` · ${worker.pending.length} waiting` : '';
  el.textContent = worker.state === 'waiting'
    ? `waiting for another render of this workspace · ${worker.task}`
    : busy ? `${worker.state}: ${worker.task}${waiting}` : 'worker idle';
  el.title = el.textContent;
}

function renderQueue() {
  const queue = state.queue;
  const counts = queue.counts || {};
  $('queue-counts').replaceChildren(...['running', 'queued', 'done', 'failed'].map((s) =>
    h('span', {}, h('b', { text: String(counts[s] || 0) }), ` ${s}`)));
  renderWorker();
  const list = $('jobs');
  if (!queue.jobs.length) {
    list.replaceChildren(h('li', { class: 'empty', text: 'Nothing queued. Re-roll a shot, or run `shotgen render`.' }));
    return;
  }
  list.replaceChildren(...queue.jobs.map((job) => {
    const active = job.state === 'queued' || job.state === 'running';
    const note = job.error || (job.state === 'running' ? (job.lease_owner || '') : '');
    return h('li', { class: `job ${job.state}`, dataset: { job: job.id, shot: job.shot } },
      h('code', { text: job.short, title: job.id }),
      h('span', { text: job.shot }),
      h('span', { text: `take ${job.take}` }),
      h('span', { class: 'state', text: job.state }),
      job.state === 'running' ? h('div', { class: 'bar' }, h('i')) : h('span', { class: 'note', text: note, title: note }),
      active ? h('button', {
        class: 'button ghost cancel', type: 'button', text: 'Cancel', title: `shotgen cancel ${job.short}`,
        onclick: () => change(`Cancelled job ${job.short}`, `/api/jobs/${job.id}/cancel`),
      }) : h('span'));
  }));
  updateBars();
}

function markBusyShots() {
  const busy = new Set(((state.queue && state.queue.jobs) || [])
    .filter((j) => j.state === 'queued' || j.state === 'running').map((j) => j.shot));
  for (const [id, card] of state.cards) card.classList.toggle('busy', busy.has(id));
  updateBars();
}

function updateBars() {
  const byShot = new Map();
  for (const [job, p] of state.progress) {
    const fraction = p.total > 0 ? p.step / p.total : 0;
    byShot.set(p.shot, Math.max(byShot.get(p.shot) || 0, fraction));
    const row = document.querySelector(`#jobs .job[data-job="${CSS.escape(job)}"] .bar i`);
    if (row) row.style.width = `${Math.round(fraction * 100)}%`;
  }
  for (const [id, card] of state.cards) {
    const bar = card.querySelector('.card-progress i');
    bar.style.width = byShot.has(id) ? `${Math.round(byShot.get(id) * 100)}%` : '0';
  }
}

function connectEvents() {
  const source = new EventSource(withToken('/api/events'));
  source.onopen = () => $('live').classList.add('on');
  source.onerror = () => $('live').classList.remove('on');  // EventSource reconnects by itself
  source.addEventListener('queue', (e) => onQueue(JSON.parse(e.data)));
  source.addEventListener('progress', (e) => onProgress(JSON.parse(e.data)));
  source.addEventListener('worker', (e) => onWorker(JSON.parse(e.data)));
}

// ---- keys ------------------------------------------------------------------------------------------
function stepShot(delta) {
  if (!state.order.length) return;
  const at = state.order.indexOf(state.selected);
  const next = at < 0 ? 0 : Math.min(state.order.length - 1, Math.max(0, at + delta));
  selectShot(state.order[next]);
}

function stepTake(delta) {
  if (!state.shot || !state.shot.takes.length) return;
  const takes = state.shot.takes;
  const at = takes.findIndex((t) => t.take === state.take);
  const next = takes[Math.min(takes.length - 1, Math.max(0, at + delta))];
  showTake(next);
}

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement.tagName)) return;
  const actions = {
    ArrowRight: () => stepShot(1), ArrowLeft: () => stepShot(-1),
    ']': () => stepTake(1), '[': () => stepTake(-1),
    a: approve, x: reject, r: reroll,
  };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

// ---- start -----------------------------------------------------------------------------------------
$('approve').addEventListener('click', approve);
$('reject').addEventListener('click', reject);
$('reroll').addEventListener('click', reroll);
$('reroute').addEventListener('click', reroute);
$('assemble').addEventListener('click', () => change('Assembling the film', '/api/assemble'));
$('render-queue').addEventListener('click', () => change('Rendering the queued jobs', '/api/render', {}));

(async () => {
  await loadFilm();
  const wanted = decodeURIComponent((location.hash.match(/shot=([^&]+)/) || [])[1] || '');
  const first = state.order.includes(wanted) ? wanted : state.order[0];
  if (first) selectShot(first);
  connectEvents();
})();
