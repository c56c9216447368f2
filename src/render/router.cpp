#include "render/router.h"

#include <algorithm>

#include "core/error.h"
#include "prompt/assembler.h"

namespace shotgen::render {
namespace {

std::string known_names(const std::vector<prompt::BackendCaps>& known) {
  std::string names;
  for (const auto& caps : known) names += (names.empty() ? "" : ", ") + caps.name;
  return names;
}

void require_known(const std::string& name, const std::vector<prompt::BackendCaps>& known,
                   const std::string& where) {
  if (prompt::find_caps(known, name)) return;
  throw Error("unknown backend '" + name + "'", where, "known backends: " + known_names(known));
}

std::string rule_where(const film::RouteRule& rule, std::size_t index) {
  std::string where = rule.source.empty() ? std::string("film.toml") : rule.source;
  return where + " routing.rules[" + std::to_string(index) + "]";
}

std::string shot_where(const film::Shot& shot) {
  return (shot.source.empty() ? std::string("film.toml") : shot.source) + " shot " + shot.id;
}

bool has_tag(const film::Shot& shot, const std::string& tag) {
  return std::find(shot.tags.begin(), shot.tags.end(), tag) != shot.tags.end();
}

bool rule_matches(const film::RouteRule& rule, const film::Film& film, const film::Shot& shot, RenderMode mode) {
  if (rule.tag && !has_tag(shot, *rule.tag)) return false;
  if (rule.scene) {
    const film::Scene* scene = film.scene_of(shot.id);
    if (!scene || scene->id != *rule.scene) return false;
  }
  if (rule.shot && *rule.shot != shot.id) return false;
  if (rule.mode && *rule.mode != render_mode_name(mode)) return false;
  return true;
}

// Rules 3 and 4 of the header: the first matching rule, else the (draft-reordered) fallback.
Route rule_route(const film::Film& film, const film::Shot& shot, RenderMode mode,
                 const std::vector<prompt::BackendCaps>& known) {
  const auto& rules = film.routing.rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (!rule_matches(rules[i], film, shot, mode)) continue;
    if (rules[i].backends.empty())
      throw Error("routing rule lists no backends", rule_where(rules[i], i), "add backends = [\"final\"]");
    for (const auto& name : rules[i].backends) require_known(name, known, rule_where(rules[i], i));
    return {rules[i].backends, "rule " + rule_where(rules[i], i)};
  }
  std::vector<std::string> list = film.routing.fallback;
  if (list.empty()) throw Error("[routing] fallback lists no backends", "film.toml [routing]", "fallback = [\"final\", \"turbo\"]");
  for (const auto& name : list) require_known(name, known, "film.toml [routing] fallback");
  if (mode == RenderMode::Draft)
    std::stable_partition(list.begin(), list.end(),
                          [&](const std::string& name) { return prompt::find_caps(known, name)->distilled; });
  return {list, "fallback"};
}

bool shot_has_negatives(const film::Film& film, const film::Shot& shot) {
  if (!film.negative.empty() || !shot.negative.empty()) return true;
  if (const film::Scene* scene = film.scene_of(shot.id); scene && !scene->negative.empty()) return true;
  for (const auto& id : shot.references)
    if (const film::Reference* ref = film.find_reference(id); ref && !ref->ignore.empty()) return true;
  return false;
}

}  // namespace

std::string_view render_mode_name(RenderMode mode) { return mode == RenderMode::Draft ? "draft" : "final"; }

RenderMode render_mode_from_name(std::string_view name) {
  if (name == "draft") return RenderMode::Draft;
  if (name == "final") return RenderMode::Final;
  throw Error("unknown render mode '" + std::string(name) + "'", "--mode", "use draft or final");
}

Route route_shot(const film::Film& film, const film::Shot& shot, RenderMode mode,
                 const std::optional<std::string>& backend_override,
                 const std::vector<prompt::BackendCaps>& known) {
  if (backend_override) {
    require_known(*backend_override, known, "--backend");
    return {{*backend_override}, "--backend"};
  }
  Route route = rule_route(film, shot, mode, known);
  if (!shot.route.empty()) {
    require_known(shot.route, known, shot_where(shot) + " route");
    std::vector<std::string> list{shot.route};
    for (const auto& name : route.backends)
      if (name != shot.route) list.push_back(name);
    return {list, "route hint"};
  }
  return route;
}

void validate_routing(const film::Film& film, const std::vector<prompt::BackendCaps>& known,
                      const std::optional<std::string>& backend_override) {
  if (backend_override) require_known(*backend_override, known, "--backend");
  for (const auto& name : film.routing.fallback) require_known(name, known, "film.toml [routing] fallback");
  const auto& rules = film.routing.rules;
  for (std::size_t i = 0; i < rules.size(); ++i)
    for (const auto& name : rules[i].backends) require_known(name, known, rule_where(rules[i], i));
  for (const auto& scene : film.scenes)
    for (const auto& shot : scene.shots)
      if (!shot.route.empty()) require_known(shot.route, known, shot_where(shot) + " route");
}

void lint_routing(const film::Film& film, const std::vector<prompt::BackendCaps>& known,
                  prompt::LintReport& report) {
  try {
    validate_routing(film, known);
  } catch (const Error& e) {
    const auto& problem = e.problem();
    report.add({prompt::Severity::Error, "unknown-backend", problem.what, "routing", problem.where, problem.fix});
    return;  // routes cannot be computed with an unknown backend in them
  }
  std::vector<std::string> reachable;  // every backend some shot can be routed to, first use first
  for (const auto& scene : film.scenes)
    for (const auto& shot : scene.shots)
      for (RenderMode mode : {RenderMode::Final, RenderMode::Draft})
        for (const auto& name : route_shot(film, shot, mode, std::nullopt, known).backends)
          if (std::find(reachable.begin(), reachable.end(), name) == reachable.end()) reachable.push_back(name);
  for (const auto& name : reachable)
    if (auto too_long = prompt::blocks_exceeding_limit(film, *prompt::find_caps(known, name), "backend " + name))
      report.add({prompt::Severity::Error, too_long->code, too_long->what, too_long->where, "", too_long->fix});
  for (const auto& scene : film.scenes) {
    for (const auto& shot : scene.shots) {
      if (!shot_has_negatives(film, shot)) continue;
      std::vector<std::string> dropping;
      for (RenderMode mode : {RenderMode::Final, RenderMode::Draft}) {
        for (const auto& name : route_shot(film, shot, mode, std::nullopt, known).backends) {
          if (prompt::find_caps(known, name)->accepts_negative) continue;
          if (std::find(dropping.begin(), dropping.end(), name) == dropping.end()) dropping.push_back(name);
        }
      }
      for (const auto& name : dropping)
        report.add({prompt::Severity::Warning, "route-drops-negative",
                    "shot has a negative prompt but can be routed to backend '" + name +
                        "', which does not accept negative prompts",
                    "shot " + shot.id, shot.source,
                    "route the shot to a backend that accepts negatives, or remove '" + name +
                        "' from its routing list"});
    }
  }
}

}  // namespace shotgen::render
