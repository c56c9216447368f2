-- shotgen project database, schema version 3: take numbers and the take's analysis.
--
-- `take_number` is the number users see (`take list`, `take approve`, the file name
-- take_<number>_<job>.mp4): unique per shot and never reused, so a shot re-routed to another
-- backend gets a new number for the new render instead of a second take 1. `take_index` stays the
-- slot of the shot's requested takes (it picks the seed). Takes recorded before this version are
-- numbered in the order they were recorded.
--
-- `analysis_json` is what the analyzers measured on the frames the model produced: the one
-- analysis of a take, which the re-route check used and `take list` and `shotgen analyze` show
-- ('{}' when none was recorded).
ALTER TABLE takes ADD COLUMN take_number INTEGER NOT NULL DEFAULT 0;
UPDATE takes SET take_number =
  (SELECT COUNT(*) FROM takes AS earlier WHERE earlier.shot_id = takes.shot_id AND earlier.id <= takes.id);
CREATE UNIQUE INDEX takes_number_per_shot ON takes(shot_id, take_number);
-- A take inserted without a number (0) gets the shot's next one.
CREATE TRIGGER takes_next_number AFTER INSERT ON takes WHEN NEW.take_number = 0
BEGIN
  UPDATE takes SET take_number =
    (SELECT MAX(take_number) + 1 FROM takes WHERE shot_id = NEW.shot_id)
  WHERE id = NEW.id;
END;
ALTER TABLE takes ADD COLUMN analysis_json TEXT NOT NULL DEFAULT '{}';
