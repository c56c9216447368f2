-- shotgen project database, schema version 3: the film's shared reference library.
--
-- [film] reference_library names the one folder outside the workspace that reference images may
-- come from ('' when the film names none: references must lie inside the workspace).
ALTER TABLE film ADD COLUMN reference_library TEXT NOT NULL DEFAULT '';
