#include "render/film_output.h"

#include <cmath>

#include "core/error.h"
#include "core/number_text.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "film/workspace.h"
#include "media/contact_sheet.h"
#include "media/otio.h"
#include "media/png.h"
#include "media/video_reader.h"
#include "render/render_runner.h"
#include "render/take_store.h"

namespace fs = std::filesystem;

namespace shotgen::render {

std::string title_slug(const std::string& title) {
  std::string slug;
  for (char c : title) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum)
      slug += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    else if (!slug.empty() && slug.back() != '_')
      slug += '_';
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  return slug.empty() ? "film" : slug;
}

FilmOutputs assemble_workspace_film(const fs::path& workspace_root, const std::optional<fs::path>& out,
                                    finish::FinishDevice finish_device,
                                    const std::function<void(const std::string&)>& note) {
  const auto workspace = film::Workspace::open(workspace_root);
  const auto film = film::load_film_file(workspace.film_toml());
  auto db = db::open_project_database(workspace.database());
  db::ProjectStore store(db);
  store.sync(film);

  FilmOutputs outputs;
  outputs.film = out ? fs::absolute(*out) : fs::absolute(workspace.renders_dir() / (title_slug(film.info.title) + ".mp4"));
  const fs::path folder = outputs.film.parent_path();
  outputs.timeline = folder / (outputs.film.stem().string() + ".otio");
  outputs.contact_sheet = folder / (outputs.film.stem().string() + "_contact_sheet.png");

  std::vector<std::string> missing;
  std::vector<std::string> mismatched;  // "a (30 s = 360 frames at 12 fps; take 1 has 240)"
  bool beyond_longest_take = false;
  std::vector<std::pair<std::string, Image>> posters;
  bool first = true;
  for (const auto& scene : film.scenes) {
    for (const auto& shot : scene.shots) {
      auto take = chosen_take(store, shot.id);
      if (take && take_file_problem(workspace.root(), *take)) {
        repair_bad_takes(workspace.root(), store, {shot.id});
        take = chosen_take(store, shot.id);  // another finished take of the shot may do
      }
      if (!take) {
        missing.push_back(shot.id);
        continue;
      }
      media::FilmCut cut;
      cut.clip = fs::absolute(workspace.root() / take->mp4_path);
      cut.duration_seconds = shot.duration.value_or(film.info.default_shot_duration);
      cut.crossfade_in = !first && shot.transition != film::Transition::Cut;
      cut.crossfade_seconds = cut.crossfade_in ? shot.transition_seconds : 0.0;
      cut.shot_id = shot.id;
      cut.take = take->take_number;
      const media::VideoProbe probe = media::probe_video(cut.clip);
      cut.available_frames = probe.frames;
      cut.media_fps = probe.fps;
      cut.backend = take->backend;
      cut.status = take->approved ? "approved" : "kept";
      // A cut plays exactly its take: a duration the take does not have would freeze its last frame.
      const double wanted = cut.duration_seconds * film.info.fps;
      if (!(std::abs(wanted - probe.frames) < 0.5)) {
        beyond_longest_take = beyond_longest_take || wanted > kMaxShotFrames + 0.5;
        mismatched.push_back(shot.id + " (" + shortest_decimal(cut.duration_seconds) + " s = " +
                             shortest_decimal(std::round(wanted)) + " frames at " + shortest_decimal(film.info.fps) +
                             " fps; take " + std::to_string(cut.take) + " has " + std::to_string(probe.frames) + ")");
      }
      outputs.cuts.push_back(cut);
      posters.emplace_back(shot.id + " t" + std::to_string(take->take_index + 1),
                           media::read_png(workspace.root() / take->poster_path));
      first = false;
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& id : missing) list += (list.empty() ? "" : " ") + id;
    throw Error("no finished take for " + std::to_string(missing.size()) + " shot(s): " + list, "shotgen assemble",
                "render them with `shotgen render " + list + "`");
  }
  if (outputs.cuts.empty())
    throw Error("the film has no shots", workspace.film_toml().string(), "add [[scenes.shots]] to film.toml");
  if (!mismatched.empty()) {
    std::string list;
    for (const auto& entry : mismatched) list += (list.empty() ? "" : ", ") + entry;
    throw Error(ErrorKind::DurationMismatch,
                "the duration of " + std::to_string(mismatched.size()) + " shot(s) does not match its take: " + list,
                "shotgen assemble",
                beyond_longest_take ? "a take is at most " + std::to_string(kMaxShotFrames) +
                                          " frames: shorten the shot's duration or split it into shots, then render it"
                                    : "render the shots again with `shotgen render` so their takes have the duration");
  }

  fs::create_directories(folder);
  media::EncodeOptions encode;
  encode.fps = film.info.fps;
  encode.out_width = film.info.resolution.width;
  encode.out_height = film.info.resolution.height;
  encode.preset = "veryfast";
  encode.crf = 18;
  encode.metadata = {{"title", film.info.title}, {"shotgen_film", film.info.title},
                     {"shotgen_shots", std::to_string(outputs.cuts.size())}};
  std::optional<finish::Finisher> finisher;  // opened at the first transition: a film of cuts needs none
  const auto mix = [&](const Image& outgoing, const Image& incoming, double incoming_weight, const media::FilmCut& cut) {
    if (!finisher) finisher = finish::Finisher::open(finish_device, note);
    const bool dip = film.find_shot(cut.shot_id)->transition == film::Transition::DipToBlack;
    return finisher->transition(outgoing, incoming,
                                dip ? finish::TransitionStyle::DipToBlack : finish::TransitionStyle::Crossfade,
                                static_cast<float>(incoming_weight));
  };
  media::assemble_film(outputs.cuts, outputs.film, encode, mix);

  // Absolute file:// URLs: editing applications resolve a relative target_url against their own
  // working directory, not the .otio file's folder.
  media::write_otio(outputs.timeline, film.info.title, film.info.fps, outputs.cuts);
  media::write_png(outputs.contact_sheet, media::contact_sheet(posters, 4));
  outputs.duration_seconds = static_cast<double>(media::plan_film(outputs.cuts, film.info.fps).total_frames) / film.info.fps;
  return outputs;
}

}  // namespace shotgen::render
