-- shotgen project database, schema version 2: render pipeline bookkeeping.
--
-- A take whose file is found damaged on disk (the probe of its MP4 fails) stays in the history
-- with status 'failed': its job link and output paths are cleared (the damaged files are deleted,
-- the job is queued again and renders a fresh take) and `fault` records what was wrong, so no
-- take record ever points at a missing or broken file.
ALTER TABLE takes ADD COLUMN fault TEXT NOT NULL DEFAULT '';
