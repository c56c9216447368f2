#pragma once
// Finishing takes that exist: `shotgen finish` re-finishes takes from their kept source frames
// (finish/source_frames.h) with film.toml's current [finish], without generating them again, and
// `shotgen audit` lists the takes whose finishing is not what film.toml's [finish] now asks for.
#include <filesystem>
#include <string>
#include <vector>

#include "db/project_store.h"
#include "film/film.h"
#include "finish/finisher.h"

namespace shotgen::finish {

// The takes a command line names, each resolved to its newest finished record:
//   "SHOT"    every finished take of the shot
//   "SHOT:N"  take N of the shot, numbered as `shotgen take list` shows them
// Throws shotgen::Error (kind "unknown-take") for an unknown shot or take number.
std::vector<db::TakeRecord> select_takes(const db::ProjectStore& store, const std::vector<std::string>& selectors);
// Every finished take the film uses a record of (the newest of each shot's take numbers).
std::vector<db::TakeRecord> all_finished_takes(const db::ProjectStore& store, const film::Film& film);

struct EncodeSettings {
  int crf = 18;
  std::string preset = "veryfast";
};

struct RefinishedTake {
  db::TakeRecord take;   // as it was before
  std::string block_hash;  // of the plan it was finished with now
  bool was_current = false;  // it had been finished with that plan already
};

// Finishes `takes` again with `film`'s plans and replaces each take's MP4 and poster, then
// records the new finishing (takes.finish_json) in a transaction. Everything is checked first —
// every plan (LUTs parse) and every take's source frames — so a problem writes nothing. Files are
// replaced under temporary names and renamed before the database is updated: a crash in between
// leaves a take that `shotgen audit` reports as outdated, never a record that claims more than the
// files hold. Call while holding the workspace's RenderLock (render/take_files.h).
std::vector<RefinishedTake> refinish_takes(const std::filesystem::path& workspace_root, const film::Film& film,
                                           db::ProjectStore& store, const std::vector<db::TakeRecord>& takes,
                                           Finisher& finisher, const EncodeSettings& encode);

struct OutdatedFinish {
  db::TakeRecord take;
  std::string reason;  // "finished with block 1a2b3c4d, film.toml's [finish] gives 5e6f7a8b"
};

// The finished takes of the film's shots whose recorded finishing differs from what film.toml's
// [finish] gives their shot now (a take finished before [finish] existed counts as finished
// with no passes).
std::vector<OutdatedFinish> outdated_finishes(const std::filesystem::path& workspace_root, const film::Film& film,
                                              const db::ProjectStore& store);

}  // namespace shotgen::finish
