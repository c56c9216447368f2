-- shotgen project database, schema version 5: finishing (src/finish/).
--
-- [finish] tables of film.toml: one row per level that has one (owner_kind 'film' with owner_id
-- '', a scene or a shot), the table as JSON with film.toml's keys. An absent row inherits.
CREATE TABLE finish_values (
  owner_kind    TEXT NOT NULL CHECK (owner_kind IN ('film', 'scene', 'shot')),
  owner_id      TEXT NOT NULL,
  settings_json TEXT NOT NULL,
  PRIMARY KEY (owner_kind, owner_id)
) WITHOUT ROWID;

-- A take's finishing: finish_json is the plan its MP4 was finished with (passes in order, their
-- parameters, the LUT's SHA-256, the merged [finish] block's hash, the device), '' for takes
-- rendered before finishing existed. source_path is the lossless strip of the frames as the model
-- generated them (PNG, frames stacked top to bottom), from which `shotgen finish` re-finishes the
-- take without generating it again; '' when there is none.
ALTER TABLE takes ADD COLUMN finish_json TEXT NOT NULL DEFAULT '';
ALTER TABLE takes ADD COLUMN source_path TEXT NOT NULL DEFAULT '';

-- Shots may join the previous one with a dip to black. SQLite cannot ALTER a CHECK constraint and
-- rebuilding `shots` would break the foreign keys of jobs, takes and shot_revisions, so the table's
-- stored definition is widened in place: the procedure SQLite documents for loosening a CHECK
-- (https://www.sqlite.org/lang_altertable.html, "otherwise"), which leaves every row valid.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'transition IN (''cut'', ''crossfade'')', 'transition IN (''cut'', ''crossfade'', ''dip_to_black'')')
 WHERE type = 'table' AND name = 'shots';
PRAGMA writable_schema = RESET;
-- The migration fails (and its transaction rolls back) unless the definition was widened.
CREATE TEMP TABLE migration_005_check (widened INTEGER CHECK (widened = 1));
INSERT INTO migration_005_check
  SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'shots' AND sql LIKE '%''dip_to_black''%';
DROP TABLE migration_005_check;
