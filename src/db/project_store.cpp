#include "db/project_store.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/error.h"

namespace shotgen::db {
namespace {

using nlohmann::json;

// ---- Value encodings ---------------------------------------------------------------------------

// Seeds are unsigned 64-bit; SQLite integers are signed 64-bit: store the same bits.
std::int64_t seed_to_db(std::uint64_t seed) { return static_cast<std::int64_t>(seed); }
std::uint64_t seed_from_db(std::int64_t value) { return static_cast<std::uint64_t>(value); }

std::string strings_to_json(const std::vector<std::string>& values) { return json(values).dump(); }
std::vector<std::string> strings_from_json(const std::string& text) {
  return json::parse(text).get<std::vector<std::string>>();
}

json optional_to_json(const std::optional<std::string>& value) { return value ? json(*value) : json(nullptr); }
std::optional<std::string> optional_string(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

json look_to_json(const film::Look& look) {
  json out = json::object();
  for (auto field : film::all_look_fields())
    if (const auto& value = look.get(field)) out[std::string(film::look_field_key(field))] = *value;
  return out;
}

film::Look look_from_json(const json& object) {
  film::Look look;
  for (const auto& [key, value] : object.items())
    if (auto field = film::look_field_from_key(key)) look.get(*field) = value.get<std::string>();
  return look;
}

std::string render_to_json(const film::RenderSettings& render) {
  json out = {{"width", render.size.width}, {"height", render.size.height}};
  if (render.steps) out["steps"] = *render.steps;
  if (render.guidance) out["guidance"] = *render.guidance;
  if (render.negative_scale) out["negative_scale"] = *render.negative_scale;
  if (render.layout_guide > 0) out["layout_guide"] = render.layout_guide;  // absent: a film from before the key
  return out.dump();
}

film::RenderSettings render_from_json(const std::string& text) {
  auto in = json::parse(text);
  film::RenderSettings render;
  render.size = {in.at("width").get<int>(), in.at("height").get<int>()};
  if (in.contains("steps")) render.steps = in["steps"].get<int>();
  if (in.contains("guidance")) render.guidance = in["guidance"].get<double>();
  if (in.contains("negative_scale")) render.negative_scale = in["negative_scale"].get<double>();
  render.layout_guide = in.value("layout_guide", 0.0);
  return render;
}

std::string routing_to_json(const film::Routing& routing) {
  json rules = json::array();
  for (const auto& rule : routing.rules) {
    rules.push_back({{"tag", optional_to_json(rule.tag)},
                     {"scene", optional_to_json(rule.scene)},
                     {"shot", optional_to_json(rule.shot)},
                     {"mode", optional_to_json(rule.mode)},
                     {"backends", rule.backends}});
  }
  return json{{"fallback", routing.fallback}, {"rules", rules}}.dump();
}

film::Routing routing_from_json(const std::string& text) {
  auto in = json::parse(text);
  film::Routing routing;
  routing.fallback = in.at("fallback").get<std::vector<std::string>>();
  for (const auto& rule_json : in.at("rules")) {
    film::RouteRule rule;
    rule.tag = optional_string(rule_json, "tag");
    rule.scene = optional_string(rule_json, "scene");
    rule.shot = optional_string(rule_json, "shot");
    rule.mode = optional_string(rule_json, "mode");
    rule.backends = rule_json.at("backends").get<std::vector<std::string>>();
    routing.rules.push_back(std::move(rule));
  }
  return routing;
}

film::Transition transition_from_db(const std::string& name) {
  auto transition = film::transition_from_name(name);
  if (!transition) throw Error("unknown transition '" + name + "' in the database", "shots.transition");
  return *transition;
}

// The history snapshot of a shot: every Shot field plus where it stood in the film.
std::string shot_record_to_json(const ShotRecord& record) {
  const film::Shot& shot = record.shot;
  json out = {{"id", shot.id},
              {"scene_id", record.scene_id},
              {"position", record.position},
              {"archived", record.archived},
              {"action", shot.action},
              {"duration", shot.duration ? json(*shot.duration) : json(nullptr)},
              {"look", look_to_json(shot.look)},
              {"negative", shot.negative},
              {"references", shot.references},
              {"tags", shot.tags},
              {"route", shot.route},
              {"seed", shot.seed ? json(*shot.seed) : json(nullptr)},
              {"takes", shot.takes},
              {"transition", film::transition_name(shot.transition)},
              {"transition_seconds", shot.transition_seconds},
              {"finish", film::finish_settings_to_json(shot.finish)}};
  return out.dump();
}

ShotRecord shot_record_from_json(const std::string& text) {
  auto in = json::parse(text);
  ShotRecord record;
  record.scene_id = in.at("scene_id").get<std::string>();
  record.position = in.at("position").get<int>();
  record.archived = in.at("archived").get<bool>();
  film::Shot& shot = record.shot;
  shot.id = in.at("id").get<std::string>();
  shot.action = in.at("action").get<std::string>();
  if (!in.at("duration").is_null()) shot.duration = in["duration"].get<double>();
  shot.look = look_from_json(in.at("look"));
  shot.negative = in.at("negative").get<std::vector<std::string>>();
  shot.references = in.at("references").get<std::vector<std::string>>();
  shot.tags = in.at("tags").get<std::vector<std::string>>();
  shot.route = in.at("route").get<std::string>();
  if (!in.at("seed").is_null()) shot.seed = in["seed"].get<std::uint64_t>();
  shot.takes = in.at("takes").get<int>();
  shot.transition = transition_from_db(in.at("transition").get<std::string>());
  shot.transition_seconds = in.at("transition_seconds").get<double>();
  if (in.contains("finish")) shot.finish = film::finish_settings_from_json(in["finish"]);  // schema 5 on
  return record;
}

// ---- Reading -----------------------------------------------------------------------------------

// The single film row, as stored.
struct FilmRow {
  int format_version = 0;
  film::FilmInfo info;
  std::string render_json;
  std::string routing_json;
  std::int64_t style_revision_id = 0;
  std::int64_t negative_revision_id = 0;
  bool operator==(const FilmRow&) const = default;
};

FilmRow film_row_of(const film::Film& film, std::int64_t style_id, std::int64_t negative_id) {
  return {film.format_version, film.info, render_to_json(film.render), routing_to_json(film.routing), style_id,
          negative_id};
}

std::optional<FilmRow> read_film_row(const Database& db) {
  auto stmt = db.prepare(
      "SELECT format_version, title, fps, width, height, default_shot_duration, seed_policy, base_seed, "
      "render_json, routing_json, style_revision_id, negative_revision_id, reference_library FROM film WHERE id = 1");
  if (!stmt.step()) return std::nullopt;
  FilmRow row;
  row.format_version = stmt.integer(0);
  row.info.title = stmt.text(1);
  row.info.fps = stmt.real(2);
  row.info.resolution = {stmt.integer(3), stmt.integer(4)};
  row.info.default_shot_duration = stmt.real(5);
  auto policy = film::seed_policy_from_name(stmt.text(6));
  if (!policy) throw Error("unknown seed policy '" + stmt.text(6) + "' in the database", "film.seed_policy");
  row.info.seed_policy = *policy;
  row.info.base_seed = seed_from_db(stmt.int64(7));
  row.render_json = stmt.text(8);
  row.routing_json = stmt.text(9);
  row.style_revision_id = stmt.int64(10);
  row.negative_revision_id = stmt.int64(11);
  row.info.reference_library = stmt.text(12);
  return row;
}

// Look values of every owner of one kind, by owner id.
std::map<std::string, film::Look> read_looks(const Database& db, std::string_view kind) {
  std::map<std::string, film::Look> looks;
  auto stmt = db.prepare("SELECT owner_id, field, value FROM look_values WHERE owner_kind = ?1");
  stmt.bind(1, kind);
  while (stmt.step()) {
    auto field = film::look_field_from_key(stmt.text(1));
    if (!field) throw Error("unknown look field '" + stmt.text(1) + "' in the database", "look_values.field");
    looks[stmt.text(0)].get(*field) = stmt.text(2);
  }
  return looks;
}

film::Look look_of(const std::map<std::string, film::Look>& looks, const std::string& owner) {
  auto it = looks.find(owner);
  return it == looks.end() ? film::Look{} : it->second;
}

// [finish] tables of every owner of one kind, by owner id.
std::map<std::string, film::FinishSettings> read_finishes(const Database& db, std::string_view kind) {
  std::map<std::string, film::FinishSettings> finishes;
  auto stmt = db.prepare("SELECT owner_id, settings_json FROM finish_values WHERE owner_kind = ?1");
  stmt.bind(1, kind);
  while (stmt.step()) finishes[stmt.text(0)] = film::finish_settings_from_json(json::parse(stmt.text(1)));
  return finishes;
}

film::FinishSettings finish_of(const std::map<std::string, film::FinishSettings>& finishes, const std::string& owner) {
  auto it = finishes.find(owner);
  return it == finishes.end() ? film::FinishSettings{} : it->second;
}

struct SceneRow {
  film::Scene scene;  // without shots
  int position = 0;
  bool archived = false;
};

// All scenes (active first, in story order, then archived), with their looks.
std::vector<SceneRow> read_scenes(const Database& db) {
  auto looks = read_looks(db, "scene");
  auto finishes = read_finishes(db, "scene");
  std::vector<SceneRow> out;
  auto stmt = db.prepare(
      "SELECT id, position, title, negative_json, archived_at IS NOT NULL FROM scenes "
      "ORDER BY archived_at IS NOT NULL, position, id");
  while (stmt.step()) {
    SceneRow row;
    row.scene.id = stmt.text(0);
    row.position = stmt.integer(1);
    row.scene.title = stmt.text(2);
    row.scene.negative = strings_from_json(stmt.text(3));
    row.archived = stmt.int64(4) != 0;
    row.scene.look = look_of(looks, row.scene.id);
    row.scene.finish = finish_of(finishes, row.scene.id);
    out.push_back(std::move(row));
  }
  return out;
}

// Shots matching `where` (a condition on shots s), in story order, archived ones last.
std::vector<ShotRecord> read_shots(const Database& db, const std::string& where, const std::string* bound_id) {
  auto looks = read_looks(db, "shot");
  auto finishes = read_finishes(db, "shot");
  std::vector<ShotRecord> out;
  auto stmt = db.prepare(
      "SELECT s.id, s.scene_id, s.position, s.action, s.duration, s.negative_json, s.references_json, "
      "s.tags_json, s.route, s.seed, s.takes, s.transition, s.transition_seconds, s.archived_at IS NOT NULL, "
      "s.updated_at FROM shots s JOIN scenes c ON c.id = s.scene_id WHERE " +
      where + " ORDER BY s.archived_at IS NOT NULL, c.archived_at IS NOT NULL, c.position, s.position, s.id");
  if (bound_id) stmt.bind(1, *bound_id);
  while (stmt.step()) {
    ShotRecord record;
    film::Shot& shot = record.shot;
    shot.id = stmt.text(0);
    record.scene_id = stmt.text(1);
    record.position = stmt.integer(2);
    shot.action = stmt.text(3);
    shot.duration = stmt.optional_real(4);
    shot.negative = strings_from_json(stmt.text(5));
    shot.references = strings_from_json(stmt.text(6));
    shot.tags = strings_from_json(stmt.text(7));
    shot.route = stmt.text(8);
    if (auto seed = stmt.optional_int64(9)) shot.seed = seed_from_db(*seed);
    shot.takes = stmt.integer(10);
    shot.transition = transition_from_db(stmt.text(11));
    shot.transition_seconds = stmt.real(12);
    record.archived = stmt.int64(13) != 0;
    record.updated_at = stmt.text(14);
    shot.look = look_of(looks, shot.id);
    shot.finish = finish_of(finishes, shot.id);
    out.push_back(std::move(record));
  }
  return out;
}

std::vector<film::Reference> read_references(const Database& db) {
  std::vector<film::Reference> out;
  auto stmt = db.prepare(
      "SELECT id, image, use_json, ignore_json, description FROM film_references ORDER BY position, id");
  while (stmt.step()) {
    film::Reference ref;
    ref.id = stmt.text(0);
    ref.image = stmt.text(1);
    ref.use = strings_from_json(stmt.text(2));
    ref.ignore = strings_from_json(stmt.text(3));
    ref.description = stmt.text(4);
    out.push_back(std::move(ref));
  }
  return out;
}

NegativeRevision negative_revision_from(const Statement& stmt) {
  NegativeRevision rev;
  rev.id = stmt.int64(0);
  rev.block.format = strings_from_json(stmt.text(1));
  rev.block.anatomy = strings_from_json(stmt.text(2));
  rev.block.quality = strings_from_json(stmt.text(3));
  rev.block.extra = strings_from_json(stmt.text(4));
  rev.created_at = stmt.text(5);
  return rev;
}

constexpr const char* kNegativeColumns = "SELECT id, format_json, anatomy_json, quality_json, extra_json, created_at "
                                         "FROM negative_revisions";

// ---- Writing -----------------------------------------------------------------------------------

// Replaces the look of one owner; returns whether it differed.
bool write_look(const Database& db, std::string_view kind, const std::string& owner, const film::Look& stored,
                const film::Look& wanted) {
  if (stored == wanted) return false;
  db.prepare("DELETE FROM look_values WHERE owner_kind = ?1 AND owner_id = ?2").bind_all(kind, owner).run();
  auto insert = db.prepare("INSERT INTO look_values(owner_kind, owner_id, field, value) VALUES (?1, ?2, ?3, ?4)");
  for (auto field : film::all_look_fields()) {
    if (const auto& value = wanted.get(field)) {
      insert.bind_all(kind, owner, film::look_field_key(field), *value).run();
      insert.reset();
    }
  }
  return true;
}

// Replaces the [finish] table of one owner; returns whether it differed.
bool write_finish(const Database& db, std::string_view kind, const std::string& owner,
                  const film::FinishSettings& stored, const film::FinishSettings& wanted) {
  if (stored == wanted) return false;
  db.prepare("DELETE FROM finish_values WHERE owner_kind = ?1 AND owner_id = ?2").bind_all(kind, owner).run();
  if (!wanted.empty())
    db.prepare("INSERT INTO finish_values(owner_kind, owner_id, settings_json) VALUES (?1, ?2, ?3)")
        .bind_all(kind, owner, film::finish_settings_to_json(wanted).dump())
        .run();
  return true;
}

void write_film_row(const Database& db, const FilmRow& row, bool exists, const std::string& now) {
  auto stmt = db.prepare(
      exists ? "UPDATE film SET format_version = ?1, title = ?2, fps = ?3, width = ?4, height = ?5, "
               "default_shot_duration = ?6, seed_policy = ?7, base_seed = ?8, render_json = ?9, routing_json = ?10, "
               "style_revision_id = ?11, negative_revision_id = ?12, updated_at = ?13, reference_library = ?14 "
               "WHERE id = 1"
             : "INSERT INTO film(format_version, title, fps, width, height, default_shot_duration, seed_policy, "
               "base_seed, render_json, routing_json, style_revision_id, negative_revision_id, updated_at, "
               "reference_library, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1)");
  stmt.bind_all(row.format_version, row.info.title, row.info.fps, row.info.resolution.width,
                row.info.resolution.height, row.info.default_shot_duration, film::seed_policy_name(row.info.seed_policy),
                seed_to_db(row.info.base_seed), row.render_json, row.routing_json, row.style_revision_id,
                row.negative_revision_id, now, row.info.reference_library);
  stmt.run();
}

// Inserts or rewrites every column of a shot row (and marks it active).
void write_shot_row(const Database& db, const ShotRecord& record, bool exists, const std::string& now) {
  const film::Shot& shot = record.shot;
  auto stmt = db.prepare(
      exists ? "UPDATE shots SET scene_id = ?2, position = ?3, action = ?4, duration = ?5, negative_json = ?6, "
               "references_json = ?7, tags_json = ?8, route = ?9, seed = ?10, takes = ?11, transition = ?12, "
               "transition_seconds = ?13, archived_at = NULL, updated_at = ?14 WHERE id = ?1"
             : "INSERT INTO shots(id, scene_id, position, action, duration, negative_json, references_json, "
               "tags_json, route, seed, takes, transition, transition_seconds, created_at, updated_at) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)");
  std::optional<std::int64_t> seed;
  if (shot.seed) seed = seed_to_db(*shot.seed);
  stmt.bind_all(shot.id, record.scene_id, record.position, shot.action, shot.duration, strings_to_json(shot.negative),
                strings_to_json(shot.references), strings_to_json(shot.tags), shot.route, seed, shot.takes,
                film::transition_name(shot.transition), shot.transition_seconds, now);
  stmt.run();
}

// Appends `before` (the shot's current state) to its history.
void append_history(const Database& db, const ShotRecord& before, std::string_view reason, const std::string& now) {
  db.prepare(
        "INSERT INTO shot_revisions(shot_id, revision, reason, snapshot_json, created_at) "
        "VALUES (?1, (SELECT coalesce(max(revision), 0) + 1 FROM shot_revisions WHERE shot_id = ?1), ?2, ?3, ?4)")
      .bind_all(before.shot.id, reason, shot_record_to_json(before), now)
      .run();
}

// Runs `write` and names the shot in any error it throws (constraint violations in particular).
template <class Write>
void for_shot(const std::string& shot_id, Write&& write) {
  try {
    write();
  } catch (const Error& e) {
    throw Error("cannot store shot: " + e.problem().what, "shot '" + shot_id + "'", e.problem().fix);
  }
}

// What the database's constraints (unique ids, CHECKs) demand, checked before the transaction:
// a film built in code gets a message naming the value, never SQLite's "CHECK constraint failed"
// (the loader already refuses all of these in film.toml).
void check_storable(const film::Film& film) {
  auto refuse = [](const std::string& what, const std::string& where, const std::string& fix) {
    throw Error(what, where, fix, "out-of-range");
  };
  auto number = [](double value) {
    std::ostringstream out;
    out << value;
    return out.str();
  };
  std::set<std::string> scenes, shots, references;
  for (const auto& ref : film.references)
    if (!references.insert(ref.id).second)
      throw Error("reference id '" + ref.id + "' appears twice", "film", "give each reference a unique id", "duplicate-id");
  if (!(film.info.fps > 0)) refuse("fps is " + number(film.info.fps), "film.fps", "give a frame rate greater than 0");
  if (film.info.resolution.width <= 0 || film.info.resolution.height <= 0)
    refuse("resolution is not positive", "film.resolution", "give WIDTHxHEIGHT, e.g. \"512x256\"");
  if (!(film.info.default_shot_duration > 0))
    refuse("default_shot_duration is " + number(film.info.default_shot_duration) + " seconds",
           "film.default_shot_duration", "give a duration greater than 0");
  for (const auto& scene : film.scenes) {
    if (!scenes.insert(scene.id).second)
      throw Error("scene id '" + scene.id + "' appears twice", "film", "give each scene a unique id", "duplicate-id");
    for (const auto& shot : scene.shots) {
      if (!shots.insert(shot.id).second)
        throw Error("shot id '" + shot.id + "' appears twice", "film", "give each shot a unique id", "duplicate-id");
      const std::string where = shot.source.empty() ? "shot '" + shot.id + "'" : shot.source + " shot '" + shot.id + "'";
      if (shot.duration && !(*shot.duration > 0))
        refuse("duration is " + number(*shot.duration) + " seconds", where,
               "give a duration greater than 0, or none for the film's default");
      if (shot.takes < 1) refuse("takes is " + std::to_string(shot.takes), where, "ask for 1 take or more");
      if (!(shot.transition_seconds >= 0))
        refuse("transition_seconds is " + number(shot.transition_seconds), where, "give 0 seconds or more");
    }
  }
}

}  // namespace

std::string_view take_status_name(TakeStatus status) {
  switch (status) {
    case TakeStatus::Done: return "done";
    case TakeStatus::Rejected: return "rejected";
    case TakeStatus::Failed: return "failed";
  }
  return "done";
}

namespace {
TakeStatus take_status_from_name(const std::string& name) {
  for (auto status : {TakeStatus::Done, TakeStatus::Rejected, TakeStatus::Failed})
    if (take_status_name(status) == name) return status;
  throw Error("unknown take status '" + name + "' in the database", "takes.status");
}
}  // namespace

bool SyncReport::changed() const {
  return !added.empty() || !updated.empty() || !restored.empty() || !moved.empty() || !archived.empty() ||
         new_style_revision || new_negative_revision || film_settings_changed;
}

// ---- sync --------------------------------------------------------------------------------------

namespace {

// References: rewritten when they differ; removed ones are deleted (no history refers to them).
void sync_references(const Database& db, const film::Film& film, SyncReport& report) {
  const auto stored = read_references(db);
  std::map<std::string, std::pair<std::size_t, const film::Reference*>> by_id;
  for (std::size_t i = 0; i < stored.size(); ++i) by_id[stored[i].id] = {i, &stored[i]};
  auto upsert = db.prepare(
      "INSERT INTO film_references(id, position, image, use_json, ignore_json, description) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO UPDATE SET position = excluded.position, "
      "image = excluded.image, use_json = excluded.use_json, ignore_json = excluded.ignore_json, "
      "description = excluded.description");
  for (std::size_t i = 0; i < film.references.size(); ++i) {
    const auto& ref = film.references[i];
    auto it = by_id.find(ref.id);
    const bool same = it != by_id.end() && it->second.first == i && *it->second.second == ref;
    if (it != by_id.end()) by_id.erase(it);
    if (same) continue;
    upsert.bind_all(ref.id, static_cast<int>(i), ref.image, strings_to_json(ref.use), strings_to_json(ref.ignore),
                    ref.description);
    upsert.run();
    upsert.reset();
    report.film_settings_changed = true;
  }
  for (const auto& [id, unused] : by_id) {
    db.prepare("DELETE FROM film_references WHERE id = ?1").bind(1, id).run();
    report.film_settings_changed = true;
  }
}

// Scenes: inserted, updated or restored in place; those no longer in the film are archived.
void sync_scenes(const Database& db, const film::Film& film, const std::string& now, SyncReport& report) {
  std::map<std::string, SceneRow> stored;
  for (auto& row : read_scenes(db)) stored.emplace(row.scene.id, std::move(row));
  for (std::size_t i = 0; i < film.scenes.size(); ++i) {
    const film::Scene& scene = film.scenes[i];
    const int position = static_cast<int>(i);
    auto it = stored.find(scene.id);
    film::Look stored_look;
    film::FinishSettings stored_finish;
    if (it == stored.end()) {
      db.prepare(
             "INSERT INTO scenes(id, position, title, negative_json, created_at, updated_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?5)")
          .bind_all(scene.id, position, scene.title, strings_to_json(scene.negative), now)
          .run();
      report.film_settings_changed = true;
    } else {
      const SceneRow& row = it->second;
      stored_look = row.scene.look;
      stored_finish = row.scene.finish;
      if (row.archived || row.position != position || row.scene.title != scene.title ||
          row.scene.negative != scene.negative) {
        db.prepare(
               "UPDATE scenes SET position = ?2, title = ?3, negative_json = ?4, archived_at = NULL, "
               "updated_at = ?5 WHERE id = ?1")
            .bind_all(scene.id, position, scene.title, strings_to_json(scene.negative), now)
            .run();
        report.film_settings_changed = true;
      }
      stored.erase(it);
    }
    if (write_look(db, "scene", scene.id, stored_look, scene.look)) report.film_settings_changed = true;
    if (write_finish(db, "scene", scene.id, stored_finish, scene.finish)) report.film_settings_changed = true;
  }
  for (const auto& [id, row] : stored) {
    if (row.archived) continue;
    db.prepare("UPDATE scenes SET archived_at = ?2, updated_at = ?2 WHERE id = ?1").bind_all(id, now).run();
    report.film_settings_changed = true;
  }
}

// Shots: edits keep the previous version in shot_revisions; removed shots are archived.
void sync_shots(const Database& db, const film::Film& film, const std::string& now, SyncReport& report) {
  std::map<std::string, ShotRecord> stored;
  for (auto& record : read_shots(db, "1", nullptr)) stored.emplace(record.shot.id, std::move(record));
  for (const auto& scene : film.scenes) {
    for (std::size_t j = 0; j < scene.shots.size(); ++j) {
      ShotRecord wanted{scene.shots[j], scene.id, static_cast<int>(j), false, {}};
      const std::string& id = wanted.shot.id;
      auto it = stored.find(id);
      for_shot(id, [&] {
        if (it == stored.end()) {
          write_shot_row(db, wanted, false, now);
          write_look(db, "shot", id, {}, wanted.shot.look);
          write_finish(db, "shot", id, {}, wanted.shot.finish);
          report.added.push_back(id);
          return;
        }
        const ShotRecord& before = it->second;
        const bool content_changed = !(before.shot == wanted.shot) || before.scene_id != wanted.scene_id;
        if (before.archived || content_changed) {
          append_history(db, before, before.archived ? "restored" : "edited", now);
          write_shot_row(db, wanted, true, now);
          write_look(db, "shot", id, before.shot.look, wanted.shot.look);
          write_finish(db, "shot", id, before.shot.finish, wanted.shot.finish);
          (before.archived ? report.restored : report.updated).push_back(id);
        } else if (before.position != wanted.position) {
          db.prepare("UPDATE shots SET position = ?2, updated_at = ?3 WHERE id = ?1")
              .bind_all(id, wanted.position, now)
              .run();
          report.moved.push_back(id);
        } else {
          report.unchanged.push_back(id);
        }
      });
      if (it != stored.end()) stored.erase(it);
    }
  }
  for (const auto& [id, before] : stored) {
    if (before.archived) continue;
    for_shot(id, [&] {
      append_history(db, before, "archived", now);
      db.prepare("UPDATE shots SET archived_at = ?2, updated_at = ?2 WHERE id = ?1").bind_all(id, now).run();
    });
    report.archived.push_back(id);
  }
}

}  // namespace

SyncReport ProjectStore::sync(const film::Film& film) {
  check_storable(film);
  Transaction tx(db_);
  const std::string now = now_timestamp();
  SyncReport report;
  report.title = film.info.title;

  // Style and negative blocks: a new revision only when the text differs from the current one.
  const auto stored_row = read_film_row(db_);
  if (stored_row && style_revision(stored_row->style_revision_id)->text == film.style.text) {
    report.style_revision_id = stored_row->style_revision_id;
  } else {
    db_.prepare("INSERT INTO style_revisions(text, created_at) VALUES (?1, ?2)").bind_all(film.style.text, now).run();
    report.style_revision_id = db_.last_insert_rowid();
    report.new_style_revision = true;
  }
  if (stored_row && negative_revision(stored_row->negative_revision_id)->block == film.negative) {
    report.negative_revision_id = stored_row->negative_revision_id;
  } else {
    db_.prepare(
           "INSERT INTO negative_revisions(format_json, anatomy_json, quality_json, extra_json, created_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_all(strings_to_json(film.negative.format), strings_to_json(film.negative.anatomy),
                  strings_to_json(film.negative.quality), strings_to_json(film.negative.extra), now)
        .run();
    report.negative_revision_id = db_.last_insert_rowid();
    report.new_negative_revision = true;
  }

  // The film row and the film's look.
  const FilmRow wanted_row = film_row_of(film, report.style_revision_id, report.negative_revision_id);
  if (!stored_row || !(*stored_row == wanted_row)) {
    write_film_row(db_, wanted_row, stored_row.has_value(), now);
    // Pointing at a new revision is reported through new_*_revision; anything else is a setting.
    FilmRow settings_only = wanted_row;
    if (stored_row) {
      settings_only.style_revision_id = stored_row->style_revision_id;
      settings_only.negative_revision_id = stored_row->negative_revision_id;
    }
    if (!stored_row || !(settings_only == *stored_row)) report.film_settings_changed = true;
  }
  const auto film_looks = read_looks(db_, "film");
  if (write_look(db_, "film", "", look_of(film_looks, ""), film.look)) report.film_settings_changed = true;
  if (write_finish(db_, "film", "", finish_of(read_finishes(db_, "film"), ""), film.finish))
    report.film_settings_changed = true;

  sync_references(db_, film, report);
  sync_scenes(db_, film, now, report);
  sync_shots(db_, film, now, report);

  tx.commit();
  return report;
}

// ---- Reading the film back ---------------------------------------------------------------------

bool ProjectStore::has_film() const {
  auto stmt = db_.prepare("SELECT 1 FROM film WHERE id = 1");
  return stmt.step();
}

film::Film ProjectStore::load_film() const {
  Transaction tx(db_, Transaction::Kind::Read);  // one consistent snapshot
  auto row = read_film_row(db_);
  if (!row) throw Error("the database holds no film yet", db_.name(), "run `shotgen sync` first");
  film::Film film;
  film.format_version = row->format_version;
  film.info = row->info;
  film.render = render_from_json(row->render_json);
  film.routing = routing_from_json(row->routing_json);
  film.style.text = style_revision(row->style_revision_id)->text;
  film.negative = negative_revision(row->negative_revision_id)->block;
  film.look = look_of(read_looks(db_, "film"), "");
  film.finish = finish_of(read_finishes(db_, "film"), "");
  film.references = read_references(db_);

  std::map<std::string, std::size_t> scene_index;
  for (auto& row_scene : read_scenes(db_)) {
    if (row_scene.archived) continue;
    scene_index[row_scene.scene.id] = film.scenes.size();
    film.scenes.push_back(std::move(row_scene.scene));
  }
  for (auto& record : shots(false)) {
    auto it = scene_index.find(record.scene_id);
    if (it == scene_index.end())
      throw Error("active shot '" + record.shot.id + "' belongs to archived scene '" + record.scene_id + "'",
                  db_.name(), "run `shotgen sync` to repair it");
    film.scenes[it->second].shots.push_back(std::move(record.shot));
  }
  tx.commit();
  return film;
}

// ---- Revisions ---------------------------------------------------------------------------------

StyleRevision ProjectStore::current_style_revision() const {
  auto row = read_film_row(db_);
  if (!row) throw Error("the database holds no film yet", db_.name(), "run `shotgen sync` first");
  return *style_revision(row->style_revision_id);
}

NegativeRevision ProjectStore::current_negative_revision() const {
  auto row = read_film_row(db_);
  if (!row) throw Error("the database holds no film yet", db_.name(), "run `shotgen sync` first");
  return *negative_revision(row->negative_revision_id);
}

std::optional<StyleRevision> ProjectStore::style_revision(std::int64_t id) const {
  auto stmt = db_.prepare("SELECT id, text, created_at FROM style_revisions WHERE id = ?1");
  stmt.bind(1, id);
  if (!stmt.step()) return std::nullopt;
  return StyleRevision{stmt.int64(0), stmt.text(1), stmt.text(2)};
}

std::optional<NegativeRevision> ProjectStore::negative_revision(std::int64_t id) const {
  auto stmt = db_.prepare(std::string(kNegativeColumns) + " WHERE id = ?1");
  stmt.bind(1, id);
  if (!stmt.step()) return std::nullopt;
  return negative_revision_from(stmt);
}

std::vector<StyleRevision> ProjectStore::style_revisions() const {
  std::vector<StyleRevision> out;
  auto stmt = db_.prepare("SELECT id, text, created_at FROM style_revisions ORDER BY id");
  while (stmt.step()) out.push_back({stmt.int64(0), stmt.text(1), stmt.text(2)});
  return out;
}

std::vector<NegativeRevision> ProjectStore::negative_revisions() const {
  std::vector<NegativeRevision> out;
  auto stmt = db_.prepare(std::string(kNegativeColumns) + " ORDER BY id");
  while (stmt.step()) out.push_back(negative_revision_from(stmt));
  return out;
}

// ---- Shots -------------------------------------------------------------------------------------

std::vector<ShotRecord> ProjectStore::shots(bool include_archived) const {
  return read_shots(db_, include_archived ? "1" : "s.archived_at IS NULL", nullptr);
}

std::optional<ShotRecord> ProjectStore::shot(const std::string& id) const {
  auto found = read_shots(db_, "s.id = ?1", &id);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<ShotHistoryEntry> ProjectStore::shot_history(const std::string& shot_id) const {
  std::vector<ShotHistoryEntry> out;
  auto stmt = db_.prepare(
      "SELECT revision, reason, snapshot_json, created_at FROM shot_revisions WHERE shot_id = ?1 ORDER BY revision");
  stmt.bind(1, shot_id);
  while (stmt.step()) out.push_back({stmt.integer(0), stmt.text(1), shot_record_from_json(stmt.text(2)), stmt.text(3)});
  return out;
}

// ---- Takes -------------------------------------------------------------------------------------

std::int64_t ProjectStore::insert_take(const TakeRecord& take) {
  Transaction tx(db_);
  db_.prepare(
         "INSERT INTO takes(shot_id, take_index, job_id, positive, negative, style_revision_id, "
         "negative_revision_id, seed, backend, model, params_json, prompt_hash, status, mp4_path, poster_path, "
         "frames_dir, timings_json, approved, reroute_reason, created_at, take_number, analysis_json, finish_json, "
         "source_path) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)")
      .bind_all(take.shot_id, take.take_index, take.job_id, take.positive, take.negative, take.style_revision_id,
                take.negative_revision_id, seed_to_db(take.seed), take.backend, take.model, take.params_json,
                take.prompt_hash, take_status_name(take.status), take.mp4_path, take.poster_path, take.frames_dir,
                take.timings_json, take.approved ? 1 : 0, take.reroute_reason,
                take.created_at.empty() ? now_timestamp() : take.created_at, take.take_number, take.analysis_json,
                take.finish_json, take.source_path)
      .run();
  const auto id = db_.last_insert_rowid();
  tx.commit();
  return id;
}

namespace {

// The columns of a take row, in the order take_from_row reads them.
constexpr const char* kTakeColumns =
    "id, shot_id, take_index, job_id, positive, negative, style_revision_id, negative_revision_id, seed, "
    "backend, model, params_json, prompt_hash, status, mp4_path, poster_path, frames_dir, timings_json, approved, "
    "reroute_reason, created_at, take_number, analysis_json, finish_json, source_path";

TakeRecord take_from_row(Statement& stmt) {
  TakeRecord take;
  take.id = stmt.int64(0);
  take.shot_id = stmt.text(1);
  take.take_index = stmt.integer(2);
  take.job_id = stmt.optional_text(3);
  take.positive = stmt.text(4);
  take.negative = stmt.text(5);
  take.style_revision_id = stmt.optional_int64(6);
  take.negative_revision_id = stmt.optional_int64(7);
  take.seed = seed_from_db(stmt.int64(8));
  take.backend = stmt.text(9);
  take.model = stmt.text(10);
  take.params_json = stmt.text(11);
  take.prompt_hash = stmt.text(12);
  take.status = take_status_from_name(stmt.text(13));
  take.mp4_path = stmt.text(14);
  take.poster_path = stmt.text(15);
  take.frames_dir = stmt.text(16);
  take.timings_json = stmt.text(17);
  take.approved = stmt.int64(18) != 0;
  take.reroute_reason = stmt.text(19);
  take.created_at = stmt.text(20);
  take.take_number = stmt.integer(21);
  take.analysis_json = stmt.text(22);
  take.finish_json = stmt.text(23);
  take.source_path = stmt.text(24);
  return take;
}

}  // namespace

std::vector<TakeRecord> ProjectStore::takes(const std::optional<std::string>& shot_id) const {
  auto stmt = db_.prepare(std::string("SELECT ") + kTakeColumns + " FROM takes WHERE ?1 IS NULL OR shot_id = ?1 ORDER BY id");
  stmt.bind(1, shot_id);
  std::vector<TakeRecord> out;
  while (stmt.step()) out.push_back(take_from_row(stmt));
  return out;
}

std::optional<TakeRecord> ProjectStore::take_of_job(const std::string& job_id) const {
  auto stmt = db_.prepare(std::string("SELECT ") + kTakeColumns + " FROM takes WHERE job_id = ?1");
  stmt.bind(1, job_id);
  if (!stmt.step()) return std::nullopt;
  return take_from_row(stmt);
}

int ProjectStore::last_take_number(const std::string& shot_id) const {
  auto stmt = db_.prepare("SELECT COALESCE(MAX(take_number), 0) FROM takes WHERE shot_id = ?1");
  stmt.bind(1, shot_id);
  stmt.step();
  return stmt.integer(0);
}

void ProjectStore::set_take_finish(std::int64_t take_id, const std::string& finish_json) {
  const auto before = db_.total_changes();
  db_.prepare("UPDATE takes SET finish_json = ?2 WHERE id = ?1").bind_all(take_id, finish_json).run();
  if (db_.total_changes() == before)
    throw Error(ErrorKind::NotFound, "take " + std::to_string(take_id) + " is not in the database", db_.name(),
                "list takes with `shotgen take list SHOT`");
}

}  // namespace shotgen::db
