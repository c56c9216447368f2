#include "serve/film_view.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <system_error>

#include "db/audit.h"
#include "db/migrations.h"
#include "film/film_loader.h"
#include "film/workspace.h"
#include "prompt/assembler.h"
#include "render/film_output.h"
#include "render/job_queue.h"
#include "render/project_lint.h"
#include "render/router.h"
#include "render/take_store.h"
#include "serve/api_error.h"
#include "serve/review_actions.h"

namespace fs = std::filesystem;

namespace shotgen::serve {
namespace {

constexpr std::size_t kRecentEndedJobs = 20;
constexpr std::size_t kRecentDoneJobs = 10;

struct LoadedFilm {
  film::Film film;
  std::string source;              // "film.toml", "database" (film.toml does not load) or "none"
  std::vector<Problem> problems;   // film.toml's, when it does not load
};

LoadedFilm load_film(const fs::path& root, const db::ProjectStore& store) {
  auto check = film::check_film_file(film::Workspace::open(root).film_toml());
  if (check.film) return {std::move(*check.film), "film.toml", {}};
  LoadedFilm out;
  out.problems = std::move(check.problems);
  out.source = store.has_film() ? "database" : "none";
  if (store.has_film()) out.film = store.load_film();
  return out;
}

// "shot s1_02 look.lighting" → "s1_02" for prefix "shot "; "" when `where` is about something else.
std::string subject_of(const std::string& where, std::string_view prefix) {
  if (!where.starts_with(prefix)) return {};
  const std::string rest = where.substr(prefix.size());
  return rest.substr(0, rest.find(' '));
}

nlohmann::json finding_json(const prompt::LintFinding& f) {
  return {{"severity", std::string(prompt::severity_name(f.severity))},
          {"code", f.code},
          {"message", f.message},
          {"where", f.where},
          {"source", f.source},
          {"fix", f.fix},
          {"shot", subject_of(f.where, "shot ")},
          {"scene", subject_of(f.where, "scene ")}};
}

nlohmann::json counts_json(const std::vector<const prompt::LintFinding*>& findings) {
  int errors = 0, warnings = 0;
  for (const auto* f : findings) (f->severity == prompt::Severity::Error ? errors : warnings)++;
  return {{"errors", errors}, {"warnings", warnings}};
}

const prompt::BackendCaps* caps_named(const std::vector<prompt::BackendCaps>& all, const std::string& name) {
  for (const auto& caps : all)
    if (caps.name == name) return &caps;
  return nullptr;
}

nlohmann::json job_json(const render::Job& job) {
  nlohmann::json out = render::to_json(job);
  out["seed"] = std::to_string(job.seed);
  out["short"] = job.id.substr(0, 12);
  return out;
}

nlohmann::json file_json(const fs::path& root, const fs::path& relative) {
  std::error_code ec;
  const fs::path path = root / relative;
  if (!fs::is_regular_file(path, ec)) return nullptr;
  const auto bytes = fs::file_size(path, ec);
  const auto modified = fs::last_write_time(path, ec);
  const auto since_epoch = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::file_clock::to_sys(modified).time_since_epoch());
  return {{"path", relative.generic_string()},
          {"url", file_url(relative.generic_string())},
          {"bytes", bytes},
          {"modified", since_epoch.count()}};
}

nlohmann::json outputs_for(const fs::path& root, const std::string& title) {
  const std::string stem = "renders/" + render::title_slug(title);
  return {{"film", file_json(root, stem + ".mp4")},
          {"timeline", file_json(root, stem + ".otio")},
          {"contact_sheet", file_json(root, stem + "_contact_sheet.png")}};
}

// Every lint finding of the film (film.toml's problems as errors when it does not load).
std::vector<prompt::LintFinding> lint_findings(const LoadedFilm& loaded, const fs::path& root,
                                               const std::vector<prompt::BackendCaps>& backends,
                                               const prompt::LintOptions& options) {
  if (loaded.source != "film.toml") {
    std::vector<prompt::LintFinding> out;
    for (const auto& p : loaded.problems)
      out.push_back({prompt::Severity::Error, p.code.empty() ? "error" : p.code, p.what, "film.toml", p.where, p.fix});
    return out;
  }
  return render::lint_project(loaded.film, root, backends, options).findings();
}

}  // namespace

int take_number(const db::TakeRecord& take) { return take.take_index + 1; }

std::string file_url(std::string_view path) {
  if (path.empty()) return {};
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string url = "/files/";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '.' || c == '_' || c == '~' || c == '-' || c == '/') {
      url += static_cast<char>(c);
    } else {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 15];
    }
  }
  return url;
}

FilmView::FilmView(fs::path workspace_root, std::vector<prompt::BackendCaps> backends, prompt::LintOptions lint_options)
    : root_(std::move(workspace_root)), backends_(std::move(backends)), lint_options_(std::move(lint_options)) {}

nlohmann::json FilmView::film() const {
  auto db = db::open_project_database(film::Workspace::open(root_).database());
  db::ProjectStore store(db);
  const LoadedFilm loaded = load_film(root_, store);
  const auto findings = lint_findings(loaded, root_, backends_, lint_options_);
  const auto audit = db::audit(store);
  std::map<std::string, int> offending_by_shot;
  for (const auto& take : audit.offending) ++offending_by_shot[take.shot_id];
  std::map<std::string, std::vector<db::TakeRecord>> takes_by_shot;
  int take_count = 0;
  for (auto& take : store.takes()) {
    ++take_count;
    takes_by_shot[take.shot_id].push_back(std::move(take));
  }
  render::JobQueue queue(db);
  std::map<std::string, std::map<std::string, int>> jobs_by_shot;
  for (auto state : {render::JobState::Queued, render::JobState::Running})
    for (const auto& job : queue.list(state)) ++jobs_by_shot[job.shot_id][std::string(render::job_state_name(state))];

  nlohmann::json scenes = nlohmann::json::array();
  int shot_count = 0, rendered = 0, approved_count = 0;
  for (const auto& scene : loaded.film.scenes) {
    std::vector<const prompt::LintFinding*> scene_findings;
    for (const auto& f : findings)
      if (subject_of(f.where, "scene ") == scene.id) scene_findings.push_back(&f);
    nlohmann::json shots = nlohmann::json::array();
    for (const auto& shot : scene.shots) {
      ++shot_count;
      std::vector<const prompt::LintFinding*> shot_findings;
      for (const auto& f : findings)
        if (subject_of(f.where, "shot ") == shot.id) shot_findings.push_back(&f);
      int done = 0;
      bool approved = false;
      for (const auto& take : takes_by_shot[shot.id]) {
        done += take.status == db::TakeStatus::Done;
        approved = approved || take.approved;
      }
      const auto chosen = render::chosen_take(store, shot.id);
      rendered += chosen.has_value();
      approved_count += approved;
      nlohmann::json chosen_json = nullptr;
      if (chosen)
        chosen_json = {{"take", take_number(*chosen)},
                       {"backend", chosen->backend},
                       {"approved", chosen->approved},
                       {"mp4", file_url(chosen->mp4_path)},
                       {"poster", file_url(chosen->poster_path)},
                       {"look", render::to_json(render::take_look_match(*chosen))}};
      shots.push_back({{"id", shot.id},
                       {"action", shot.action},
                       {"seconds", shot.duration.value_or(loaded.film.info.default_shot_duration)},
                       {"tags", shot.tags},
                       {"takes", done},
                       {"approved", approved},
                       {"chosen", chosen_json},
                       {"lint", counts_json(shot_findings)},
                       {"audit", offending_by_shot[shot.id]},
                       {"jobs", jobs_by_shot[shot.id]}});
    }
    scenes.push_back({{"id", scene.id}, {"title", scene.title}, {"lint", counts_json(scene_findings)}, {"shots", shots}});
  }

  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : loaded.problems) problems.push_back(problem_json(p));
  nlohmann::json finding_list = nlohmann::json::array();
  std::vector<const prompt::LintFinding*> all;
  for (const auto& f : findings) {
    finding_list.push_back(finding_json(f));
    all.push_back(&f);
  }
  nlohmann::json lint = counts_json(all);
  lint["findings"] = finding_list;
  nlohmann::json backends = nlohmann::json::array();
  for (const auto& caps : backends_) backends.push_back(caps.name);
  return {{"title", loaded.film.info.title},
          {"fps", loaded.film.info.fps},
          {"width", loaded.film.info.resolution.width},
          {"height", loaded.film.info.resolution.height},
          {"source", loaded.source},
          {"problems", problems},
          {"lint", lint},
          {"audit", {{"total", audit.total}, {"ok", audit.ok}, {"offending", audit.offending.size()}}},
          {"counts",
           {{"shots", shot_count}, {"rendered", rendered}, {"approved", approved_count}, {"takes", take_count}}},
          {"backends", backends},
          {"outputs", outputs_for(root_, loaded.film.info.title)},
          {"scenes", scenes}};
}

nlohmann::json FilmView::shot(const std::string& shot_id) const {
  auto db = db::open_project_database(film::Workspace::open(root_).database());
  db::ProjectStore store(db);
  const LoadedFilm loaded = load_film(root_, store);
  const film::Shot* in_film = loaded.film.find_shot(shot_id);
  const auto record = store.shot(shot_id);
  if (!in_film && !record)
    throw ApiError(404, "unknown shot '" + shot_id + "'", "/api/shots/" + shot_id,
                   "pick a shot of the film (film.toml or `shotgen sync`ed)", "unknown-shot");
  const film::Shot& shot = in_film ? *in_film : record->shot;
  const film::Scene* scene = loaded.film.scene_of(shot_id);
  nlohmann::json out = {{"id", shot.id},
                        {"scene", {{"id", scene ? scene->id : record->scene_id}, {"title", scene ? scene->title : ""}}},
                        {"action", shot.action},
                        {"seconds", shot.duration.value_or(loaded.film.info.default_shot_duration)},
                        {"tags", shot.tags},
                        {"takes_planned", shot.takes},
                        {"in_film", in_film != nullptr},
                        {"reroll_takes", reroll_takes(store, shot_id)}};

  // The prompt the next render would send: assembled for the first backend of the shot's route.
  std::map<std::string, std::optional<prompt::AssembledPrompt>> current;  // per backend
  auto current_for = [&](const std::string& backend) -> const std::optional<prompt::AssembledPrompt>& {
    auto [it, added] = current.try_emplace(backend);
    const auto* caps = caps_named(backends_, backend);
    if (added && in_film && caps) {
      try {
        it->second = prompt::assemble_prompt(loaded.film, *in_film, *caps);
      } catch (const Error&) {
        // No current prompt to compare with; the route's backend reports why as prompt_error.
      }
    }
    return it->second;
  };
  out["route"] = nullptr;
  out["prompt"] = nullptr;
  if (in_film) {
    try {
      const auto route = render::route_shot(loaded.film, *in_film, render::RenderMode::Final, std::nullopt, backends_);
      out["route"] = {{"backends", route.backends}, {"decided_by", route.decided_by}};
      const auto* caps = caps_named(backends_, route.backends.front());
      if (caps) out["prompt"] = prompt::to_json(prompt::assemble_prompt(loaded.film, *in_film, *caps));
    } catch (const Error& e) {
      out["prompt_error"] = problem_json(e.problem());
    }
  }

  const auto findings = lint_findings(loaded, root_, backends_, lint_options_);
  nlohmann::json lint = nlohmann::json::array();
  for (const auto& f : findings)
    if (subject_of(f.where, "shot ") == shot_id || (scene && subject_of(f.where, "scene ") == scene->id))
      lint.push_back(finding_json(f));
  out["lint"] = lint;

  std::map<std::int64_t, const db::AuditedTake*> audited;
  const auto audit = db::audit(store);
  for (const auto& take : audit.offending) audited[take.take_id] = &take;
  const auto chosen = render::chosen_take(store, shot_id);
  nlohmann::json takes = nlohmann::json::array();
  for (const auto& t : store.takes(shot_id)) {
    nlohmann::json findings_json = nlohmann::json::array();
    nlohmann::json missing_terms = nlohmann::json::array();
    if (auto it = audited.find(t.id); it != audited.end()) {
      for (auto finding : it->second->findings) findings_json.push_back(std::string(db::audit_finding_name(finding)));
      missing_terms = it->second->missing_terms;
    }
    const auto& now = current_for(t.backend);
    takes.push_back({{"id", t.id},
                     {"take", take_number(t)},
                     {"status", std::string(db::take_status_name(t.status))},
                     {"approved", t.approved},
                     {"chosen", chosen && chosen->id == t.id},
                     {"backend", t.backend},
                     {"model", t.model},
                     {"seed", std::to_string(t.seed)},
                     {"mp4", file_url(t.mp4_path)},
                     {"poster", file_url(t.poster_path)},
                     {"positive", t.positive},
                     {"negative", t.negative},
                     {"prompt_current", now && now->positive() == t.positive && now->negative() == t.negative},
                     {"reroute_reason", t.reroute_reason},
                     {"fault", render::take_fault(db, t.id)},
                     {"audit", findings_json},
                     {"missing_terms", missing_terms},
                     {"look", render::to_json(render::take_look_match(t))},
                     {"timings", nlohmann::json::parse(t.timings_json)},
                     {"created_at", t.created_at}});
  }
  out["takes"] = takes;

  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& job : render::JobQueue(db).list())
    if (job.shot_id == shot_id && job.state != render::JobState::Done) jobs.push_back(job_json(job));
  out["jobs"] = jobs;
  return out;
}

nlohmann::json FilmView::queue() const {
  auto db = db::open_project_database(film::Workspace::open(root_).database());
  render::JobQueue queue(db);
  nlohmann::json counts = nlohmann::json::object();
  nlohmann::json jobs = nlohmann::json::array();
  std::vector<render::Job> ended;
  std::vector<render::Job> done;
  for (auto state : {render::JobState::Running, render::JobState::Queued, render::JobState::Failed,
                     render::JobState::Cancelled, render::JobState::Done}) {
    auto list = queue.list(state);
    counts[std::string(render::job_state_name(state))] = list.size();
    if (state == render::JobState::Running || state == render::JobState::Queued)
      for (const auto& job : list) jobs.push_back(job_json(job));
    else if (state == render::JobState::Done)
      done = std::move(list);
    else
      ended.insert(ended.end(), list.begin(), list.end());
  }
  const auto newest_first = [](const render::Job& a, const render::Job& b) { return a.updated_at > b.updated_at; };
  for (auto* list : {&ended, &done}) {
    std::sort(list->begin(), list->end(), newest_first);
    const std::size_t keep = list == &ended ? kRecentEndedJobs : kRecentDoneJobs;
    for (std::size_t i = 0; i < std::min(keep, list->size()); ++i) jobs.push_back(job_json((*list)[i]));
  }
  // Changes whenever a take is recorded, approved or rejected: the page reloads the grid then.
  std::int64_t last_id = 0, approved = 0, rejected = 0, count = 0;
  for (const auto& take : db::ProjectStore(db).takes()) {
    ++count;
    last_id = std::max(last_id, take.id);
    if (take.approved) approved += take.id;
    rejected += take.status != db::TakeStatus::Done;
  }
  return {{"counts", counts},
          {"jobs", jobs},
          {"takes_version", std::to_string(count) + ":" + std::to_string(last_id) + ":" + std::to_string(approved) +
                                ":" + std::to_string(rejected)}};
}

nlohmann::json FilmView::outputs() const {
  auto db = db::open_project_database(film::Workspace::open(root_).database());
  db::ProjectStore store(db);
  return outputs_for(root_, load_film(root_, store).film.info.title);
}

}  // namespace shotgen::serve
