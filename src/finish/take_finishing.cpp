#include "finish/take_finishing.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "analyze/clip_analysis.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "finish/source_frames.h"
#include "media/png.h"
#include "media/resize.h"
#include "media/video_encoder.h"
#include "media/video_reader.h"

namespace fs = std::filesystem;

namespace shotgen::finish {
namespace {

// The newest finished record of each take number of `shot_id`, by take number.
std::map<int, db::TakeRecord> finished_takes_of(const db::ProjectStore& store, const std::string& shot_id) {
  std::map<int, db::TakeRecord> by_number;
  for (auto& take : store.takes(shot_id))
    if (take.status == db::TakeStatus::Done && !take.mp4_path.empty()) by_number[take.take_number] = take;
  return by_number;
}

std::string take_name(const db::TakeRecord& take) {
  return take.shot_id + ":" + std::to_string(take.take_number);
}

int source_frame_count(const db::TakeRecord& take) {
  const auto record = nlohmann::json::parse(take.finish_json.empty() ? "{}" : take.finish_json, nullptr, false);
  if (!record.is_object() || !record.contains("source")) return 0;
  return record["source"].value("frames", 0);
}

// A take or shot a command names that is not there (kind NotFound, with `code` for scripts).
[[noreturn]] void not_found(std::string what, std::string where, std::string fix, std::string code) {
  throw Error(Problem{std::move(what), std::move(where), std::move(fix), ErrorKind::NotFound, std::move(code)});
}

std::string short_hash(const std::string& hash) { return hash.empty() ? "none" : hash.substr(0, 8); }

// The hash a take's record stands for; a take finished before finishing existed had no passes.
std::string effective_hash(const db::TakeRecord& take) {
  const std::string recorded = recorded_block_hash(take.finish_json);
  return recorded.empty() ? FinishPlan{}.block_hash() : recorded;
}

}  // namespace

std::vector<db::TakeRecord> select_takes(const db::ProjectStore& store, const std::vector<std::string>& selectors) {
  std::vector<db::TakeRecord> selected;
  auto add = [&](const db::TakeRecord& take) {
    if (std::none_of(selected.begin(), selected.end(), [&](const auto& t) { return t.id == take.id; }))
      selected.push_back(take);
  };
  for (const auto& selector : selectors) {
    const auto colon = selector.rfind(':');
    const std::string shot = colon == std::string::npos ? selector : selector.substr(0, colon);
    if (!store.shot(shot))
      not_found("unknown shot '" + shot + "'", "shotgen finish " + selector, "name a shot of film.toml (after `shotgen sync`)",
                  "unknown-take");
    const auto takes = finished_takes_of(store, shot);
    if (colon == std::string::npos) {
      if (takes.empty())
        not_found("shot '" + shot + "' has no finished take", "shotgen finish " + selector,
                    "render it with `shotgen render " + shot + "`", "unknown-take");
      for (const auto& [number, take] : takes) add(take);
      continue;
    }
    const std::string digits = selector.substr(colon + 1);
    int number = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (ec != std::errc() || end != digits.data() + digits.size() || !takes.count(number))
      not_found("shot '" + shot + "' has no finished take '" + digits + "'", "shotgen finish " + selector,
                  "list its takes with `shotgen take list " + shot + "`", "unknown-take");
    add(takes.at(number));
  }
  return selected;
}

std::vector<db::TakeRecord> all_finished_takes(const db::ProjectStore& store, const film::Film& film) {
  std::vector<db::TakeRecord> all;
  for (const auto& scene : film.scenes)
    for (const auto& shot : scene.shots)
      for (auto& [number, take] : finished_takes_of(store, shot.id)) all.push_back(std::move(take));
  return all;
}

std::vector<RefinishedTake> refinish_takes(const fs::path& root, const film::Film& film, db::ProjectStore& store,
                                           const std::vector<db::TakeRecord>& takes, Finisher& finisher,
                                           const EncodeSettings& settings) {
  // Everything that can be refused is checked before the first file is touched.
  FinishPlanner planner(film, root);
  std::vector<FinishPlan> plans;
  std::vector<Clip> sources;
  for (const auto& take : takes) {
    const film::Shot* shot = film.find_shot(take.shot_id);
    if (!shot)
      not_found("shot '" + take.shot_id + "' is no longer in film.toml", "take " + take_name(take),
                  "finish only takes of the film's shots", "unknown-take");
    plans.push_back(planner.plan(*shot));
    const int frames = source_frame_count(take);
    if (take.source_path.empty() || frames < 1 || !fs::is_regular_file(root / take.source_path))
      not_found("take " + take_name(take) + " has no source frames to finish from", take.mp4_path,
                  "it was rendered before finishing kept them: render it again with `shotgen render " + take.shot_id +
                      "`",
                  "missing-source");
    sources.push_back(read_source_frames(root / take.source_path, frames));
  }

  std::vector<RefinishedTake> done;
  for (std::size_t i = 0; i < takes.size(); ++i) {
    const db::TakeRecord& take = takes[i];
    const FinishPlan& plan = plans[i];
    const Clip& generated = sources[i];
    // The source frames are the model's, losslessly: measured again, they give the analysis the
    // take recorded, and so the decisions its render made.
    const FinishDecisions decisions = plan.decisions_for(take.positive, analyze::analyze_clip(generated));
    const Clip finished = finisher.finish(generated, plan, take.seed, decisions);
    const auto record = finish_record(plan, take.seed, finisher.device(), generated.width(), generated.height(),
                                      generated.frame_count(), decisions);

    media::EncodeOptions encode;
    encode.fps = film.info.fps;
    encode.out_width = film.info.resolution.width;
    encode.out_height = film.info.resolution.height;
    encode.crf = settings.crf;
    encode.preset = settings.preset;
    // The take's own tags (title, comment, creation time, prompt, seed, ...: render/take_tags.h)
    // stay; the container's (brand, encoder) are the muxer's to write.
    for (const auto& [key, value] : media::probe_video(root / take.mp4_path).metadata)
      if (key != "major_brand" && key != "minor_version" && key != "compatible_brands" && key != "encoder")
        encode.metadata[key] = value;
    encode.metadata["shotgen_finish"] = record.dump();
    const fs::path mp4 = root / take.mp4_path, poster = root / take.poster_path;
    const fs::path mp4_temp = temp_path_for(mp4), poster_temp = temp_path_for(poster);
    try {
      media::encode_mp4(mp4_temp, finished, encode);
      const Image& middle = finished.frames[finished.frames.size() / 2];
      media::write_png(poster_temp, media::resize_image(middle, film.info.resolution.width, film.info.resolution.height));
      commit_temp_file(mp4_temp, mp4);
      commit_temp_file(poster_temp, poster);
    } catch (...) {
      std::error_code ignored;
      fs::remove(mp4_temp, ignored);
      fs::remove(poster_temp, ignored);
      throw;
    }
    db::Transaction tx(store.database());
    store.set_take_finish(take.id, record.dump());
    tx.commit();
    done.push_back({take, plan.block_hash(), effective_hash(take) == plan.block_hash()});
  }
  return done;
}

std::vector<OutdatedFinish> outdated_finishes(const fs::path& root, const film::Film& film, const db::ProjectStore& store) {
  FinishPlanner planner(film, root);
  std::vector<OutdatedFinish> outdated;
  for (const auto& take : all_finished_takes(store, film)) {
    std::string current;
    try {
      current = planner.plan(*film.find_shot(take.shot_id)).block_hash();
    } catch (const Error& e) {
      outdated.push_back({take, "film.toml's [finish] cannot be applied: " + e.problem().message()});
      continue;
    }
    const std::string recorded = effective_hash(take);
    if (recorded != current)
      outdated.push_back({take, "finished with block " + short_hash(recorded) + ", film.toml's [finish] gives " +
                                    short_hash(current)});
  }
  return outdated;
}

}  // namespace shotgen::finish
