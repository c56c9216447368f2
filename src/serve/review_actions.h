#pragma once
// What the page changes, each exactly as its CLI command does, through the same core functions
// (every answer names the command under "cli"):
//   approve SHOT N     shotgen take approve SHOT N        render::approve_take
//   reject SHOT N      shotgen take reject SHOT N         render::reject_take
//   re-roll SHOT       shotgen render SHOT --takes K      one more take, so the next seed
//   re-route SHOT B    shotgen render SHOT --backend B
//   render {...}       shotgen render [SHOT...|--scene S|--all] [--takes N] [--backend B] [--mode M]
//   cancel JOB         shotgen cancel JOB
//   assemble           shotgen assemble
// Render requests are enqueued before the answer (render::enqueue_render: the answer lists the
// jobs, and the queue shows them at once) and rendered by the server's RenderWorker, which runs
// render::render_shots with the same request; assembling runs there too.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "db/project_store.h"
#include "render/backend.h"
#include "serve/render_worker.h"

namespace shotgen::serve {

// The --takes of a re-roll of `shot_id`: its highest take number among its takes and its queued
// or running jobs, plus one, so that exactly one take more is asked for.
int reroll_takes(const db::ProjectStore& store, const std::string& shot_id);

class ReviewActions {
 public:
  ReviewActions(std::filesystem::path workspace_root, const render::BackendRegistry& registry, RenderWorker& worker);

  nlohmann::json approve(const std::string& shot_id, int take_number);
  nlohmann::json reject(const std::string& shot_id, int take_number);
  nlohmann::json reroll(const std::string& shot_id);
  // body {"backend": NAME}
  nlohmann::json reroute(const std::string& shot_id, const nlohmann::json& body);
  // body {"shots": [ids], "scene": id, "all": bool, "takes": n, "backend": name, "mode": "draft"|"final"},
  // every key optional; none of shots/scene/all renders the queued jobs.
  nlohmann::json render(const nlohmann::json& body);
  nlohmann::json cancel(const std::string& job_id);
  nlohmann::json assemble();

 private:
  // Enqueues `request` (answering with its jobs) and hands it to the worker.
  nlohmann::json start_render(const render::RenderRequest& request, const std::string& command);
  // Throws ApiError 404 unless film.toml or the database knows the shot.
  void require_shot(const db::ProjectStore& store, const std::string& shot_id) const;

  std::filesystem::path root_;
  const render::BackendRegistry& registry_;
  RenderWorker& worker_;
};

}  // namespace shotgen::serve
