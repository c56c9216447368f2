#include "serve/review_actions.h"

#include <algorithm>
#include <cctype>

#include "db/migrations.h"
#include "film/film.h"
#include "film/film_loader.h"
#include "film/workspace.h"
#include "render/job_queue.h"
#include "render/render_runner.h"
#include "render/router.h"
#include "render/take_store.h"
#include "serve/api_error.h"
#include "serve/film_view.h"

namespace fs = std::filesystem;

namespace shotgen::serve {
namespace {

[[noreturn]] void bad_request(const std::string& what, const std::string& where, const std::string& fix) {
  throw ApiError(400, what, where, fix, "bad-request");
}

// An argument as a user would type it: shot ids are plain words, anything else is single-quoted.
// For showing the equivalent command only; nothing here is ever run by a shell.
std::string shell_word(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/';
  });
  if (plain) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

const nlohmann::json* member(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  return it == body.end() ? nullptr : &*it;
}

std::string string_member(const nlohmann::json& value, const std::string& key) {
  if (!value.is_string() || value.get<std::string>().empty())
    bad_request("'" + key + "' must be a non-empty string", "request body", "e.g. {\"" + key + "\": \"...\"}");
  return value.get<std::string>();
}

void only_keys(const nlohmann::json& body, std::initializer_list<const char*> allowed) {
  for (const auto& [key, value] : body.items())
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      std::string names;
      for (const char* a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
      bad_request("unknown key '" + key + "'", "request body", "the keys are " + names);
    }
}

}  // namespace

int reroll_takes(const db::ProjectStore& store, const std::string& shot_id) {
  int highest = 0;
  for (const auto& take : store.takes(shot_id)) highest = std::max(highest, take.take_index + 1);
  for (const auto& job : render::JobQueue(store.database()).list())
    if (job.shot_id == shot_id && (job.state == render::JobState::Queued || job.state == render::JobState::Running))
      highest = std::max(highest, job.take_index + 1);
  return highest + 1;
}

ReviewActions::ReviewActions(fs::path workspace_root, const render::BackendRegistry& registry, RenderWorker& worker)
    : root_(std::move(workspace_root)), registry_(registry), worker_(worker) {}

void ReviewActions::require_shot(const db::ProjectStore& store, const std::string& shot_id) const {
  if (store.shot(shot_id)) return;
  if (film::load_film_file(film::Workspace::open(root_).film_toml()).find_shot(shot_id)) return;
  throw ApiError(404, "unknown shot '" + shot_id + "'", "/api/shots/" + shot_id, "pick a shot of the film",
                 "unknown-shot");
}

nlohmann::json ReviewActions::approve(const std::string& shot_id, int take_number) {
  auto db = db::open_project_database(film::Workspace::open(root_).database());
  db::ProjectStore store(db);
  require_shot(store, shot_id);
  const auto take = render::approve_take(store, shot_id, take_number);
  return {{"shot", shot_id},
          {"take", take_number},
          {"approved", true},
          {"mp4", file_url(take.mp4_path)},
          {"cli", "shotgen take approve " + shell_word(shot_id) + " " + std::to_string(take_number)}};
}

nlohmann::json ReviewActions::reject(const std::string& shot_id, int take_number) {
  auto db = db::open_project_database(film::Workspace::open(root_).database());
  db::ProjectStore store(db);
  require_shot(store, shot_id);
  render::reject_take(store, shot_id, take_number);
  return {{"shot", shot_id},
          {"take", take_number},
          {"status", "rejected"},
          {"cli", "shotgen take reject " + shell_word(shot_id) + " " + std::to_string(take_number)}};
}

nlohmann::json ReviewActions::start_render(const render::RenderRequest& request, const std::string& command) {
  const auto enqueued = render::enqueue_render(root_, request, registry_);
  worker_.submit({WorkerTask::Kind::Render, request, command});
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& id : enqueued.job_ids) jobs.push_back(id);
  return {{"jobs", jobs}, {"already_done", enqueued.already_done}, {"cli", command}};
}

nlohmann::json ReviewActions::reroll(const std::string& shot_id) {
  int takes = 0;
  {
    auto db = db::open_project_database(film::Workspace::open(root_).database());
    db::ProjectStore store(db);
    require_shot(store, shot_id);
    takes = reroll_takes(store, shot_id);
  }
  if (takes > film::kMaxTakes)
    throw ApiError(409, "shot '" + shot_id + "' has " + std::to_string(film::kMaxTakes) + " takes already",
                   "re-roll", "approve or reject one of them instead", "too-many-takes");
  render::RenderRequest request;
  request.shots = {shot_id};
  request.takes = takes;
  return start_render(request, "shotgen render " + shell_word(shot_id) + " --takes " + std::to_string(takes));
}

nlohmann::json ReviewActions::reroute(const std::string& shot_id, const nlohmann::json& body) {
  only_keys(body, {"backend"});
  const auto* backend = member(body, "backend");
  if (!backend) bad_request("'backend' is missing", "request body", "send {\"backend\": \"turbo\"}");
  const std::string name = string_member(*backend, "backend");
  if (!registry_.has(name))
    throw ApiError(400, "unknown backend '" + name + "'", "request body", "use one of the film's backends",
                   "unknown-backend");
  {
    auto db = db::open_project_database(film::Workspace::open(root_).database());
    require_shot(db::ProjectStore(db), shot_id);
  }
  render::RenderRequest request;
  request.shots = {shot_id};
  request.backend = name;
  return start_render(request, "shotgen render " + shell_word(shot_id) + " --backend " + shell_word(name));
}

nlohmann::json ReviewActions::render(const nlohmann::json& body) {
  only_keys(body, {"shots", "scene", "all", "takes", "backend", "mode"});
  render::RenderRequest request;
  std::string command = "shotgen render";
  if (const auto* shots = member(body, "shots")) {
    if (!shots->is_array()) bad_request("'shots' must be an array of shot ids", "request body", "e.g. [\"s1_01\"]");
    for (const auto& shot : *shots) {
      request.shots.push_back(string_member(shot, "shots[]"));
      command += " " + shell_word(request.shots.back());
    }
  }
  if (const auto* scene = member(body, "scene")) {
    request.scene = string_member(*scene, "scene");
    command += " --scene " + shell_word(*request.scene);
  }
  if (const auto* all = member(body, "all")) {
    if (!all->is_boolean()) bad_request("'all' must be true or false", "request body", "e.g. {\"all\": true}");
    request.all = all->get<bool>();
    if (request.all) command += " --all";
  }
  if (const auto* takes = member(body, "takes")) {
    if (!takes->is_number_integer() || takes->get<std::int64_t>() < 1 || takes->get<std::int64_t>() > film::kMaxTakes)
      bad_request("'takes' must be a whole number from 1 to " + std::to_string(film::kMaxTakes), "request body",
                  "e.g. {\"takes\": 2}");
    request.takes = takes->get<int>();
    command += " --takes " + std::to_string(*request.takes);
  }
  if (const auto* backend = member(body, "backend")) {
    request.backend = string_member(*backend, "backend");
    if (!registry_.has(*request.backend))
      throw ApiError(400, "unknown backend '" + *request.backend + "'", "request body",
                     "use one of the film's backends", "unknown-backend");
    command += " --backend " + shell_word(*request.backend);
  }
  if (const auto* mode = member(body, "mode")) {
    const std::string name = string_member(*mode, "mode");
    if (name != "draft" && name != "final") bad_request("'mode' must be \"draft\" or \"final\"", "request body", "");
    request.mode = render::render_mode_from_name(name);
    if (name != "final") command += " --mode " + name;
  }
  return start_render(request, command);
}

nlohmann::json ReviewActions::cancel(const std::string& job_id) {
  auto db = db::open_project_database(film::Workspace::open(root_).database());
  render::JobQueue queue(db);
  std::string id;
  try {
    id = queue.resolve(job_id).id;
  } catch (const Error& e) {
    throw ApiError(404, e.problem().what, "/api/jobs/" + job_id, "pick a job from the queue", "unknown-job");
  }
  const int count = queue.cancel(id, "cancelled by the user");
  return {{"job", id}, {"cancelled", count}, {"cli", "shotgen cancel " + id.substr(0, 12)}};
}

nlohmann::json ReviewActions::assemble() {
  worker_.submit({WorkerTask::Kind::Assemble, {}, "shotgen assemble"});
  return {{"cli", "shotgen assemble"}};
}

}  // namespace shotgen::serve
