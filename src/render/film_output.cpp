#include "render/film_output.h"

#include "core/error.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "film/workspace.h"
#include "media/contact_sheet.h"
#include "media/otio.h"
#include "media/png.h"
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
      FilmCut cut;
      cut.clip = fs::absolute(workspace.root() / take->mp4_path);
      cut.duration_seconds = shot.duration.value_or(film.info.default_shot_duration);
      cut.crossfade_in = !first && shot.transition != film::Transition::Cut;
      cut.crossfade_seconds = cut.crossfade_in ? shot.transition_seconds : 0.0;
      cut.shot_id = shot.id;
      cut.take = take->take_index + 1;
      outputs.cuts.push_back(cut);
      posters.emplace_back(shot.id + " t" + std::to_string(take->take_index + 1),
                           read_png(workspace.root() / take->poster_path));
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

  fs::create_directories(folder);
  EncodeOptions encode;
  encode.fps = film.info.fps;
  encode.out_width = film.info.resolution.width;
  encode.out_height = film.info.resolution.height;
  encode.preset = "veryfast";
  encode.crf = 18;
  encode.metadata = {{"title", film.info.title}, {"shotgen_film", film.info.title},
                     {"shotgen_shots", std::to_string(outputs.cuts.size())}};
  std::optional<finish::Finisher> finisher;  // opened at the first transition: a film of cuts needs none
  const auto mix = [&](const Image& outgoing, const Image& incoming, double incoming_weight, const FilmCut& cut) {
    if (!finisher) finisher = finish::Finisher::open(finish_device, note);
    const bool dip = film.find_shot(cut.shot_id)->transition == film::Transition::DipToBlack;
    return finisher->transition(outgoing, incoming,
                                dip ? finish::TransitionStyle::DipToBlack : finish::TransitionStyle::Crossfade,
                                static_cast<float>(incoming_weight));
  };
  assemble_film(outputs.cuts, outputs.film, encode, mix);

  // The timeline references the takes relative to its own folder, so the project can move.
  std::vector<FilmCut> timeline_cuts = outputs.cuts;
  for (auto& cut : timeline_cuts) {
    std::error_code ec;
    const auto relative = fs::relative(cut.clip, folder, ec);
    if (!ec && !relative.empty()) cut.clip = relative;
  }
  write_otio(outputs.timeline, film.info.title, film.info.fps, timeline_cuts);
  write_png(outputs.contact_sheet, contact_sheet(posters, 4));
  outputs.duration_seconds = static_cast<double>(plan_film(outputs.cuts, film.info.fps).total_frames) / film.info.fps;
  return outputs;
}

}  // namespace shotgen::render
