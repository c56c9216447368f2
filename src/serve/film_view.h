#pragma once
// What the page reads, as JSON: the film's scenes × shots grid, one shot in detail (its assembled
// prompt section by section, its takes with their recorded prompts and audit findings, its lint
// findings, its jobs), the render queue and the assembled outputs. Every call reads film.toml, the
// project database and renders/ afresh, so nothing goes stale while another process renders.
//
// The film comes from film.toml, as `shotgen prompt` and `lint` read it; when film.toml does not
// load (it is being edited), from the database's last sync, with film.toml's problems listed.
// Seeds are strings: they reach 2^63 - 1, beyond the integers a JavaScript number holds.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/project_store.h"
#include "prompt/backend_caps.h"
#include "prompt/lint.h"

namespace shotgen::serve {

// The take number users see (`shotgen take list`, `take approve SHOT N`).
int take_number(const db::TakeRecord& take);

// "/files/<path>" with every byte outside [A-Za-z0-9._~/-] percent-encoded; "" for "".
std::string file_url(std::string_view workspace_relative_path);

class FilmView {
 public:
  FilmView(std::filesystem::path workspace_root, std::vector<prompt::BackendCaps> backends,
           prompt::LintOptions lint_options);

  // {"title","fps","width","height","source","problems","lint","audit","counts","backends",
  //  "outputs","scenes":[{"id","title","lint","shots":[{"id","action","seconds","tags","takes",
  //  "approved","chosen","lint","audit","jobs"}]}]}
  nlohmann::json film() const;
  // One shot; throws ApiError 404 (unknown-shot) for an id neither film.toml nor the database has.
  nlohmann::json shot(const std::string& shot_id) const;
  // {"counts":{state: n},"jobs":[...active first, then recent ends],"takes_version":"..."}
  nlohmann::json queue() const;
  // {"film","timeline","contact_sheet"}: each {"path","url","bytes","modified"} or null.
  nlohmann::json outputs() const;

  const std::filesystem::path& root() const { return root_; }
  const std::vector<prompt::BackendCaps>& backends() const { return backends_; }

 private:
  std::filesystem::path root_;
  std::vector<prompt::BackendCaps> backends_;
  prompt::LintOptions lint_options_;
};

}  // namespace shotgen::serve
