-- shotgen project database, schema version 1.
-- Migrations are schemas/NNN_name.sql, applied in order, each in its own transaction; the build
-- compiles them into the binary and PRAGMA user_version counts the ones applied.
--
-- Conventions:
--   * timestamps (*_at TEXT) are UTC ISO-8601 with microseconds, "2025-01-31T12:00:00.123456Z",
--     so they sort as text; lease/heartbeat times used for arithmetic are INTEGER unix milliseconds.
--   * seeds are unsigned 64-bit values stored as their two's-complement INTEGER.
--   * lists and small structured values are JSON text (arrays of strings unless noted).
--   * rows that the film no longer mentions are archived (archived_at set), never deleted, so
--     their history and takes survive; archived_at IS NULL means active.

-- Style-block revisions: every change of [style] text creates one; takes record the one they used.
CREATE TABLE style_revisions (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  text       TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- Negative-block revisions: every change of any [negative] layer creates one.
CREATE TABLE negative_revisions (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  format_json  TEXT NOT NULL,
  anatomy_json TEXT NOT NULL,
  quality_json TEXT NOT NULL,
  extra_json   TEXT NOT NULL,
  created_at   TEXT NOT NULL
);

-- The film: exactly one row.
CREATE TABLE film (
  id                    INTEGER PRIMARY KEY CHECK (id = 1),
  format_version        INTEGER NOT NULL,
  title                 TEXT NOT NULL,
  fps                   REAL NOT NULL CHECK (fps > 0),
  width                 INTEGER NOT NULL CHECK (width > 0),
  height                INTEGER NOT NULL CHECK (height > 0),
  default_shot_duration REAL NOT NULL CHECK (default_shot_duration > 0),
  seed_policy           TEXT NOT NULL CHECK (seed_policy IN ('per_shot', 'fixed')),
  base_seed             INTEGER NOT NULL,
  render_json           TEXT NOT NULL,  -- RenderSettings as a JSON object
  routing_json          TEXT NOT NULL,  -- Routing as a JSON object {fallback, rules}
  style_revision_id     INTEGER NOT NULL REFERENCES style_revisions(id),
  negative_revision_id  INTEGER NOT NULL REFERENCES negative_revisions(id),
  updated_at            TEXT NOT NULL
);

-- Look values of the film (owner_kind 'film', owner_id ''), a scene or a shot. Only set fields
-- have a row; an absent row inherits from the enclosing level.
CREATE TABLE look_values (
  owner_kind TEXT NOT NULL CHECK (owner_kind IN ('film', 'scene', 'shot')),
  owner_id   TEXT NOT NULL,
  field      TEXT NOT NULL CHECK (field IN ('camera_move', 'camera_angle', 'shot_size', 'lens', 'lighting',
                                            'palette', 'composition', 'atmosphere', 'mood', 'attribution')),
  value      TEXT NOT NULL,
  PRIMARY KEY (owner_kind, owner_id, field)
) WITHOUT ROWID;

-- [[references]]: reference images ("references" is an SQL keyword, hence the prefix).
CREATE TABLE film_references (
  id          TEXT PRIMARY KEY,
  position    INTEGER NOT NULL,
  image       TEXT NOT NULL,
  use_json    TEXT NOT NULL,
  ignore_json TEXT NOT NULL,
  description TEXT NOT NULL
);

CREATE TABLE scenes (
  id            TEXT PRIMARY KEY,
  position      INTEGER NOT NULL,  -- story order among active scenes
  title         TEXT NOT NULL,
  negative_json TEXT NOT NULL,     -- extra negatives for every shot of the scene
  archived_at   TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE shots (
  id                 TEXT PRIMARY KEY,
  scene_id           TEXT NOT NULL REFERENCES scenes(id),
  position           INTEGER NOT NULL,  -- story order within the scene
  action             TEXT NOT NULL,
  duration           REAL CHECK (duration IS NULL OR duration > 0),  -- NULL: film default
  negative_json      TEXT NOT NULL,
  references_json    TEXT NOT NULL,
  tags_json          TEXT NOT NULL,
  route              TEXT NOT NULL,
  seed               INTEGER,           -- NULL: the film's seed policy
  takes              INTEGER NOT NULL CHECK (takes >= 1),
  transition         TEXT NOT NULL CHECK (transition IN ('cut', 'crossfade')),
  transition_seconds REAL NOT NULL CHECK (transition_seconds >= 0),
  archived_at        TEXT,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);
CREATE INDEX shots_by_scene ON shots(scene_id, position);

-- History: the previous state of a shot each time sync changes it. `reason` says what happened
-- next: 'edited' (content or scene changed), 'archived' (removed from film.toml), 'restored'
-- (put back after being archived). snapshot_json holds every Shot field plus scene_id/position.
CREATE TABLE shot_revisions (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  shot_id       TEXT NOT NULL REFERENCES shots(id),
  revision      INTEGER NOT NULL,  -- 1, 2, ... per shot
  reason        TEXT NOT NULL CHECK (reason IN ('edited', 'archived', 'restored')),
  snapshot_json TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  UNIQUE (shot_id, revision)
);

-- The render queue. A job's id is its identity hash (shot, prompt hash, backend, params, seed),
-- so enqueueing the same work twice finds the existing job.
CREATE TABLE jobs (
  id               TEXT PRIMARY KEY,
  shot_id          TEXT NOT NULL REFERENCES shots(id),
  take_index       INTEGER NOT NULL CHECK (take_index >= 0),
  backend          TEXT NOT NULL,
  params_json      TEXT NOT NULL,
  seed             INTEGER NOT NULL,
  prompt_hash      TEXT NOT NULL,
  state            TEXT NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts     INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  lease_owner      TEXT,     -- "host:pid" of the worker holding a running job
  lease_expires_at INTEGER,  -- unix ms; a running job past it belongs to a dead worker
  heartbeat_at     INTEGER,  -- unix ms
  error            TEXT,     -- why the last attempt failed / why it was cancelled
  batch_id         TEXT,     -- jobs rendered in one model forward share it
  batch_size       INTEGER,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX jobs_by_state ON jobs(state, created_at);
CREATE INDEX jobs_by_shot ON jobs(shot_id, take_index);

-- Takes: one finished (or rejected) render of a shot with everything needed to audit and
-- reproduce it. Revision ids are nullable only so that audit can flag a render that lacked one.
CREATE TABLE takes (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  shot_id              TEXT NOT NULL REFERENCES shots(id),
  take_index           INTEGER NOT NULL CHECK (take_index >= 0),
  job_id               TEXT UNIQUE REFERENCES jobs(id),  -- one take per job
  positive             TEXT NOT NULL,
  negative             TEXT NOT NULL,
  style_revision_id    INTEGER REFERENCES style_revisions(id),
  negative_revision_id INTEGER REFERENCES negative_revisions(id),
  seed                 INTEGER NOT NULL,
  backend              TEXT NOT NULL,
  model                TEXT NOT NULL,
  params_json          TEXT NOT NULL,
  prompt_hash          TEXT NOT NULL,
  status               TEXT NOT NULL CHECK (status IN ('done', 'rejected', 'failed')),
  mp4_path             TEXT NOT NULL,  -- paths relative to the workspace; '' when not produced
  poster_path          TEXT NOT NULL,
  frames_dir           TEXT NOT NULL,
  timings_json         TEXT NOT NULL,
  approved             INTEGER NOT NULL DEFAULT 0 CHECK (approved IN (0, 1)),
  reroute_reason       TEXT NOT NULL,  -- why this take's shot was sent to another backend; '' if not
  created_at           TEXT NOT NULL   -- when the render started (its prompt was assembled)
);
CREATE INDEX takes_by_shot ON takes(shot_id, take_index);
-- At most one approved take per shot.
CREATE UNIQUE INDEX takes_one_approved_per_shot ON takes(shot_id) WHERE approved = 1;
