#include "film/film_loader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/nearest_name.h"

namespace shotgen::film {
namespace {

using Kind = ValueKind;

std::vector<KeySpec> build_accepted_keys() {
  std::vector<KeySpec> keys;
  auto add = [&keys](std::string table, std::string key, Kind kind, bool required = false) {
    keys.push_back({std::move(table), std::move(key), kind, required});
  };
  add("", "format_version", Kind::Integer);
  add("", "film", Kind::Table, true);
  add("", "style", Kind::Table, true);
  add("", "negative", Kind::Table, true);
  add("", "look", Kind::Table);
  add("", "render", Kind::Table);
  add("", "routing", Kind::Table);
  add("", "references", Kind::TableArray);
  add("", "scenes", Kind::TableArray);

  add("film", "title", Kind::String, true);
  add("film", "fps", Kind::Number);
  add("film", "resolution", Kind::String);
  add("film", "default_shot_duration", Kind::Number);
  add("film", "seed_policy", Kind::String);
  add("film", "seed", Kind::Integer);

  add("style", "block", Kind::String, true);

  for (const char* layer : {"format", "anatomy", "quality", "extra"}) add("negative", layer, Kind::StringArray);

  for (const char* look_table : {"look", "scenes[].look", "scenes[].shots[].look"})
    for (LookField field : all_look_fields()) add(look_table, std::string(look_field_key(field)), Kind::String);

  add("render", "size", Kind::String);
  add("render", "steps", Kind::Integer);
  add("render", "guidance", Kind::Number);
  add("render", "negative_scale", Kind::Number);

  add("routing", "fallback", Kind::StringArray);
  add("routing", "rules", Kind::TableArray);
  for (const char* condition : {"tag", "scene", "shot", "mode"}) add("routing.rules[]", condition, Kind::String);
  add("routing.rules[]", "backends", Kind::StringArray, true);

  add("references[]", "id", Kind::String, true);
  add("references[]", "image", Kind::String, true);
  add("references[]", "use", Kind::StringArray);
  add("references[]", "ignore", Kind::StringArray);
  add("references[]", "description", Kind::String);

  add("scenes[]", "id", Kind::String, true);
  add("scenes[]", "title", Kind::String);
  add("scenes[]", "look", Kind::Table);
  add("scenes[]", "negative", Kind::StringArray);
  add("scenes[]", "shots", Kind::TableArray);

  const std::string shot = "scenes[].shots[]";
  add(shot, "id", Kind::String, true);
  add(shot, "action", Kind::String, true);
  add(shot, "duration", Kind::Number);
  add(shot, "look", Kind::Table);
  add(shot, "negative", Kind::StringArray);
  add(shot, "references", Kind::StringArray);
  add(shot, "tags", Kind::StringArray);
  add(shot, "route", Kind::String);
  add(shot, "seed", Kind::Integer);
  add(shot, "takes", Kind::Integer);
  add(shot, "transition", Kind::String);
  add(shot, "transition_seconds", Kind::Number);
  return keys;
}

const KeySpec* find_spec(std::string_view table, std::string_view key) {
  for (const auto& spec : accepted_keys())
    if (spec.table == table && spec.key == key) return &spec;
  return nullptr;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string join_path(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
}

std::string indexed(std::string_view path, std::size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

std::string_view found_phrase(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "nothing";
  }
}

std::string_view expected_phrase(Kind kind) {
  switch (kind) {
    case Kind::String: return "a string";
    case Kind::Integer: return "an integer";
    case Kind::Number: return "a number";
    case Kind::StringArray: return "an array of strings";
    case Kind::Table: return "a table";
    case Kind::TableArray: return "an array of tables";
  }
  return "";
}

// How a value of this kind is written, e.g. `fps = 1.5`.
std::string kind_example(Kind kind, std::string_view key) {
  std::string k(key);
  switch (kind) {
    case Kind::String: return k + " = \"...\"";
    case Kind::Integer: return k + " = 3";
    case Kind::Number: return k + " = 1.5";
    case Kind::StringArray: return k + " = [\"...\", \"...\"]";
    case Kind::Table: return "[" + k + "] or " + k + " = { ... }";
    case Kind::TableArray: return "[[" + k + "]] blocks";
  }
  return "";
}

std::string kind_fix(Kind kind, std::string_view key) {
  switch (kind) {
    case Kind::String: return "put the value in quotes: " + kind_example(kind, key);
    case Kind::Integer: return "write a whole number without quotes: " + kind_example(kind, key);
    case Kind::Number: return "write a number without quotes: " + kind_example(kind, key);
    case Kind::StringArray: return "write a list of quoted strings: " + kind_example(kind, key);
    case Kind::Table: return "write it as a table: " + kind_example(kind, key);
    case Kind::TableArray: return "write each entry as one of the " + kind_example(kind, key);
  }
  return "";
}

bool kind_matches(const toml::node& node, Kind kind) {
  switch (kind) {
    case Kind::String: return node.is_string();
    case Kind::Integer: return node.is_integer();
    case Kind::Number: return node.is_integer() || node.is_floating_point();
    case Kind::StringArray:
    case Kind::TableArray: return node.is_array();
    case Kind::Table: return node.is_table();
  }
  return false;
}

std::optional<Resolution> parse_size(std::string_view text) {
  auto x = text.find('x');
  if (x == std::string_view::npos || x == 0 || x + 1 == text.size()) return std::nullopt;
  auto parse_dim = [](std::string_view digits) -> std::optional<int> {
    int value = 0;
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size() || value <= 0 || value > 16384) return std::nullopt;
    return value;
  };
  auto w = parse_dim(text.substr(0, x));
  auto h = parse_dim(text.substr(x + 1));
  if (!w || !h) return std::nullopt;
  return Resolution{*w, *h};
}

bool is_valid_id(std::string_view id) {
  if (id.empty() || !std::isalnum(static_cast<unsigned char>(id.front()))) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

const toml::table* table_at(const toml::table& parent, std::string_view key) { return parent.get_as<toml::table>(key); }
const toml::array* array_at(const toml::table& parent, std::string_view key) { return parent.get_as<toml::array>(key); }

std::string text_at(const toml::table& t, std::string_view key) {
  const auto* s = t.get_as<std::string>(key);
  return s ? s->get() : std::string();
}

std::optional<std::string> optional_text_at(const toml::table& t, std::string_view key) {
  const auto* s = t.get_as<std::string>(key);
  return s ? std::optional<std::string>(s->get()) : std::nullopt;
}

std::vector<std::string> texts_at(const toml::table& t, std::string_view key) {
  std::vector<std::string> out;
  if (const auto* array = array_at(t, key))
    for (const auto& element : *array) out.push_back(element.as_string()->get());
  return out;
}

// Reads a film.toml table tree whose syntax the TOML parser already accepted. Every table is
// first checked against accepted_keys() (unknown keys, kinds, required keys), then its values.
class Loader {
 public:
  explicit Loader(std::string source_name) : source_name_(std::move(source_name)) {}

  Film load(const toml::table& root);

  std::string where(const toml::source_region& region) const {
    // Tables the parser created implicitly have no position; point at the top of the file.
    auto line = region.begin.line == 0 ? 1u : region.begin.line;
    auto column = region.begin.column == 0 ? 1u : region.begin.column;
    return source_name_ + ":" + std::to_string(line) + ":" + std::to_string(column);
  }

 private:
  [[noreturn]] void fail(const toml::source_region& region, std::string what, std::string fix = {}) const {
    throw Error(std::move(what), where(region), std::move(fix));
  }

  void check_table(const toml::table& table, std::string_view spec_table, const std::string& path) const;
  void check_kind(const toml::node& value, const KeySpec& spec, const std::string& path) const;
  std::string suggest_key(std::string_view spec_table, std::string_view key) const;

  double number(const toml::node& node, const std::string& path) const;
  double positive_number(const toml::node& node, const std::string& path, std::string_view example) const;
  std::uint64_t seed(const toml::node& node, const std::string& path) const;
  std::string checked_id(const toml::table& t, const std::string& path,
                         std::map<std::string, std::string>& seen, std::string_view kind) const;

  void read_film_info(const toml::table& t, FilmInfo& info) const;
  NegativeBlock read_negative(const toml::table& t) const;
  Look read_look(const toml::table& t, std::string_view spec_table, const std::string& path) const;
  RenderSettings read_render(const toml::table& t) const;
  Routing read_routing(const toml::table& t) const;
  Reference read_reference(const toml::table& t, const std::string& path);
  Scene read_scene(const toml::table& t, const std::string& path);
  Shot read_shot(const toml::table& t, const std::string& path);

  std::string source_name_;
  std::map<std::string, std::string> reference_ids_;  // id -> where first defined
  std::map<std::string, std::string> scene_ids_;
  std::map<std::string, std::string> shot_ids_;
};

void Loader::check_table(const toml::table& table, std::string_view spec_table, const std::string& path) const {
  for (auto&& [key, value] : table) {
    std::string key_path = join_path(path, key.str());
    const KeySpec* spec = find_spec(spec_table, key.str());
    if (!spec) fail(key.source(), "unknown key '" + key_path + "'", suggest_key(spec_table, key.str()));
    check_kind(value, *spec, key_path);
  }
  for (const auto& spec : accepted_keys()) {
    if (spec.table != spec_table || !spec.required || table.contains(spec.key)) continue;
    fail(table.source(), "missing required key '" + join_path(path, spec.key) + "'",
         "add " + kind_example(spec.kind, spec.key));
  }
}

void Loader::check_kind(const toml::node& value, const KeySpec& spec, const std::string& path) const {
  if (!kind_matches(value, spec.kind))
    fail(value.source(),
         "wrong type for '" + path + "': expected " + std::string(expected_phrase(spec.kind)) + ", found " +
             std::string(found_phrase(value)),
         kind_fix(spec.kind, spec.key));
  if (spec.kind != Kind::StringArray && spec.kind != Kind::TableArray) return;
  const auto& array = *value.as_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const toml::node& element = array[i];
    bool ok = spec.kind == Kind::StringArray ? element.is_string() : element.is_table();
    if (!ok)
      fail(element.source(),
           "wrong type for '" + indexed(path, i) + "': expected " +
               (spec.kind == Kind::StringArray ? "a string" : "a table") + ", found " +
               std::string(found_phrase(element)),
           kind_fix(spec.kind, spec.key));
  }
}

std::string Loader::suggest_key(std::string_view spec_table, std::string_view key) const {
  std::vector<std::string> own;
  for (const auto& spec : accepted_keys())
    if (spec.table == spec_table) own.push_back(spec.key);
  NameMatch best_own = nearest_match(key, own).value_or(NameMatch{{}, std::numeric_limits<std::size_t>::max()});

  // A key of a top-level table written above its header ("title" before [film]).
  if (spec_table.empty())
    for (const auto& spec : accepted_keys())
      if (spec.key == key && spec.table.find_first_of(".[") == std::string::npos && !spec.table.empty())
        return "'" + spec.key + "' belongs in the [" + spec.table + "] table: move it below [" + spec.table + "]";

  // A look field written directly in a scene or shot (or at the top level) belongs in its look table.
  std::string look_table = spec_table.empty() ? "look" : std::string(spec_table) + ".look";
  if (find_spec(spec_table, "look")) {
    std::vector<std::string> look_keys;
    for (LookField f : all_look_fields()) look_keys.emplace_back(look_field_key(f));
    NameMatch best_look = nearest_match(key, look_keys).value_or(NameMatch{{}, std::numeric_limits<std::size_t>::max()});
    if (is_plausible_typo(key, best_look) && best_look.distance < best_own.distance) {
      std::string where_look = spec_table.empty() ? "the [look] table" : "look = { " + best_look.name + " = \"...\" }";
      return "did you mean '" + best_look.name + "'? look fields go in " + where_look;
    }
  }
  if (is_plausible_typo(key, best_own)) return "did you mean '" + best_own.name + "'?";
  return "valid keys here: " + join(own);
}

double Loader::number(const toml::node& node, const std::string& path) const {
  double value = node.is_integer() ? static_cast<double>(node.as_integer()->get()) : node.as_floating_point()->get();
  if (!std::isfinite(value)) fail(node.source(), "'" + path + "' must be a finite number", "write a number like 1.5");
  return value;
}

double Loader::positive_number(const toml::node& node, const std::string& path, std::string_view example) const {
  double value = number(node, path);
  if (value <= 0)
    fail(node.source(), "'" + path + "' must be greater than 0, got " + std::to_string(value),
         "for example " + std::string(example));
  return value;
}

std::uint64_t Loader::seed(const toml::node& node, const std::string& path) const {
  std::int64_t value = node.as_integer()->get();
  if (value < 0) fail(node.source(), "'" + path + "' must not be negative", "use a seed from 0 to 9223372036854775807");
  return static_cast<std::uint64_t>(value);
}

std::string Loader::checked_id(const toml::table& t, const std::string& path, std::map<std::string, std::string>& seen,
                               std::string_view kind) const {
  const toml::node& node = *t.get("id");
  std::string id = node.as_string()->get();
  if (!is_valid_id(id))
    fail(node.source(), "invalid " + std::string(kind) + " id '" + id + "' at '" + path + ".id'",
         "start with a letter or digit and use only letters, digits, '_', '-' and '.', e.g. \"s1_alley\"");
  auto [it, inserted] = seen.emplace(id, where(node.source()));
  if (!inserted)
    fail(node.source(), "duplicate " + std::string(kind) + " id '" + id + "' at '" + path + ".id'",
         "ids must be unique; '" + id + "' is already used at " + it->second);
  return id;
}

void Loader::read_film_info(const toml::table& t, FilmInfo& info) const {
  check_table(t, "film", "film");
  info.title = text_at(t, "title");
  if (info.title.empty()) fail(t.get("title")->source(), "'film.title' is empty", "give the film a title");
  if (const auto* fps = t.get("fps")) info.fps = positive_number(*fps, "film.fps", "fps = 24");
  if (const auto* node = t.get("resolution")) {
    auto size = parse_size(node->as_string()->get());
    if (!size)
      fail(node->source(), "'film.resolution' must be \"WIDTHxHEIGHT\", got \"" + node->as_string()->get() + "\"",
           "for example resolution = \"512x256\"");
    info.resolution = *size;
  }
  if (const auto* d = t.get("default_shot_duration"))
    info.default_shot_duration = positive_number(*d, "film.default_shot_duration", "default_shot_duration = 2.0");
  if (const auto* node = t.get("seed_policy")) {
    auto policy = seed_policy_from_name(node->as_string()->get());
    if (!policy)
      fail(node->source(), "unknown seed policy '" + node->as_string()->get() + "' at 'film.seed_policy'",
           "use \"per_shot\" (stable when shots move) or \"fixed\"");
    info.seed_policy = *policy;
  }
  if (const auto* node = t.get("seed")) info.base_seed = seed(*node, "film.seed");
}

NegativeBlock Loader::read_negative(const toml::table& t) const {
  check_table(t, "negative", "negative");
  NegativeBlock block;
  block.format = texts_at(t, "format");
  block.anatomy = texts_at(t, "anatomy");
  block.quality = texts_at(t, "quality");
  block.extra = texts_at(t, "extra");
  return block;
}

Look Loader::read_look(const toml::table& t, std::string_view spec_table, const std::string& path) const {
  check_table(t, spec_table, path);
  Look look;
  for (LookField field : all_look_fields()) look.get(field) = optional_text_at(t, look_field_key(field));
  return look;
}

RenderSettings Loader::read_render(const toml::table& t) const {
  check_table(t, "render", "render");
  RenderSettings render;
  if (const auto* node = t.get("size")) {
    const std::string& text = node->as_string()->get();
    auto size = parse_size(text);
    if (!size)
      fail(node->source(), "'render.size' must be \"WIDTHxHEIGHT\", got \"" + text + "\"", "for example size = \"64x32\"");
    if (size->width % 16 != 0 || size->height % 16 != 0) {
      auto up = [](int v) { return (v + 15) / 16 * 16; };
      fail(node->source(), "'render.size' must be multiples of 16 (the model works on 16x16 patches), got \"" + text + "\"",
           "use size = \"" + std::to_string(up(size->width)) + "x" + std::to_string(up(size->height)) + "\"");
    }
    render.size = *size;
  }
  if (const auto* node = t.get("steps")) {
    std::int64_t steps = node->as_integer()->get();
    if (steps < 1 || steps > 10000)
      fail(node->source(), "'render.steps' must be from 1 to 10000, got " + std::to_string(steps), "for example steps = 20");
    render.steps = static_cast<int>(steps);
  }
  if (const auto* node = t.get("guidance")) {
    double g = number(*node, "render.guidance");
    if (g < 0) fail(node->source(), "'render.guidance' must not be negative", "for example guidance = 5.0");
    render.guidance = g;
  }
  if (const auto* node = t.get("negative_scale")) {
    double s = number(*node, "render.negative_scale");
    if (s < 0) fail(node->source(), "'render.negative_scale' must not be negative", "for example negative_scale = 1.0");
    render.negative_scale = s;
  }
  return render;
}

Routing Loader::read_routing(const toml::table& t) const {
  check_table(t, "routing", "routing");
  Routing routing;
  if (t.contains("fallback")) routing.fallback = texts_at(t, "fallback");
  if (const auto* rules = array_at(t, "rules")) {
    for (std::size_t i = 0; i < rules->size(); ++i) {
      const auto& rule_table = *(*rules)[i].as_table();
      std::string path = indexed("routing.rules", i);
      check_table(rule_table, "routing.rules[]", path);
      RouteRule rule;
      rule.tag = optional_text_at(rule_table, "tag");
      rule.scene = optional_text_at(rule_table, "scene");
      rule.shot = optional_text_at(rule_table, "shot");
      rule.mode = optional_text_at(rule_table, "mode");
      if (rule.mode && *rule.mode != "draft" && *rule.mode != "final")
        fail(rule_table.get("mode")->source(), "unknown mode '" + *rule.mode + "' at '" + path + ".mode'",
             "use \"draft\" or \"final\"");
      const auto& backends = *array_at(rule_table, "backends");
      if (backends.empty())
        fail(backends.source(), "'" + path + ".backends' is empty", "name at least one backend, e.g. backends = [\"final\"]");
      rule.backends = texts_at(rule_table, "backends");
      rule.source = where(rule_table.source());
      routing.rules.push_back(std::move(rule));
    }
  }
  return routing;
}

Reference Loader::read_reference(const toml::table& t, const std::string& path) {
  check_table(t, "references[]", path);
  Reference ref;
  ref.id = checked_id(t, path, reference_ids_, "reference");
  ref.image = text_at(t, "image");
  if (ref.image.empty())
    fail(t.get("image")->source(), "'" + path + ".image' is empty", "give the image path relative to the workspace");
  for (const char* list : {"use", "ignore"}) {
    const auto* array = array_at(t, list);
    if (!array) continue;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const std::string& dim = (*array)[i].as_string()->get();
      if (is_reference_dimension(dim)) continue;
      NameMatch near = nearest_match(dim, reference_dimensions()).value_or(NameMatch{{}, std::numeric_limits<std::size_t>::max()});
      std::string fix = is_plausible_typo(dim, near) ? "did you mean '" + near.name + "'? " : "";
      fail((*array)[i].source(), "unknown reference dimension '" + dim + "' at '" + indexed(path + "." + list, i) + "'",
           fix + "known dimensions: " + join(reference_dimensions()));
    }
  }
  ref.use = texts_at(t, "use");
  ref.ignore = texts_at(t, "ignore");
  for (const auto& dim : ref.use)
    if (std::find(ref.ignore.begin(), ref.ignore.end(), dim) != ref.ignore.end())
      fail(t.get("ignore")->source(), "'" + dim + "' is both used and ignored in '" + path + "'",
           "remove it from one of 'use' and 'ignore'");
  ref.description = text_at(t, "description");
  ref.source = where(t.source());
  return ref;
}

Shot Loader::read_shot(const toml::table& t, const std::string& path) {
  check_table(t, "scenes[].shots[]", path);
  Shot shot;
  shot.id = checked_id(t, path, shot_ids_, "shot");
  shot.action = text_at(t, "action");
  if (const auto* node = t.get("duration")) shot.duration = number(*node, path + ".duration");
  if (const auto* look = table_at(t, "look")) shot.look = read_look(*look, "scenes[].shots[].look", path + ".look");
  shot.negative = texts_at(t, "negative");
  shot.references = texts_at(t, "references");
  shot.tags = texts_at(t, "tags");
  shot.route = text_at(t, "route");
  if (const auto* node = t.get("seed")) shot.seed = seed(*node, path + ".seed");
  if (const auto* node = t.get("takes")) {
    std::int64_t takes = node->as_integer()->get();
    if (takes < 1 || takes > 1000)
      fail(node->source(), "'" + path + ".takes' must be from 1 to 1000, got " + std::to_string(takes),
           "for example takes = 3");
    shot.takes = static_cast<int>(takes);
  }
  if (const auto* node = t.get("transition")) {
    auto transition = transition_from_name(node->as_string()->get());
    if (!transition)
      fail(node->source(), "unknown transition '" + node->as_string()->get() + "' at '" + path + ".transition'",
           "use \"cut\" or \"crossfade\"");
    shot.transition = *transition;
  }
  if (const auto* node = t.get("transition_seconds")) {
    double seconds = number(*node, path + ".transition_seconds");
    if (seconds < 0)
      fail(node->source(), "'" + path + ".transition_seconds' must not be negative", "for example transition_seconds = 0.5");
    shot.transition_seconds = seconds;
  }
  shot.source = where(t.source());
  return shot;
}

Scene Loader::read_scene(const toml::table& t, const std::string& path) {
  check_table(t, "scenes[]", path);
  Scene scene;
  scene.id = checked_id(t, path, scene_ids_, "scene");
  scene.title = text_at(t, "title");
  if (const auto* look = table_at(t, "look")) scene.look = read_look(*look, "scenes[].look", path + ".look");
  scene.negative = texts_at(t, "negative");
  if (const auto* shots = array_at(t, "shots"))
    for (std::size_t i = 0; i < shots->size(); ++i)
      scene.shots.push_back(read_shot(*(*shots)[i].as_table(), indexed(path + ".shots", i)));
  scene.source = where(t.source());
  return scene;
}

Film Loader::load(const toml::table& root) {
  Film film;
  // Checked before the keys: a newer file may use keys this shotgen does not know.
  if (const auto* node = root.get("format_version")) {
    if (!node->is_integer())
      fail(node->source(), "wrong type for 'format_version': expected an integer, found " + std::string(found_phrase(*node)),
           "write format_version = 1");
    std::int64_t version = node->as_integer()->get();
    if (version > kFilmFormatVersion)
      fail(node->source(),
           "film.toml has format_version " + std::to_string(version) + ": it was written by a newer shotgen (this one reads " +
               std::to_string(kFilmFormatVersion) + ")",
           "upgrade shotgen");
    if (version < 1)
      fail(node->source(), "format_version must be 1 or more, got " + std::to_string(version), "write format_version = 1");
    film.format_version = static_cast<int>(version);
  }
  check_table(root, "", "");
  read_film_info(*table_at(root, "film"), film.info);
  const auto& style = *table_at(root, "style");
  check_table(style, "style", "style");
  film.style.text = text_at(style, "block");
  film.negative = read_negative(*table_at(root, "negative"));
  if (const auto* look = table_at(root, "look")) film.look = read_look(*look, "look", "look");
  if (const auto* render = table_at(root, "render")) film.render = read_render(*render);
  if (const auto* routing = table_at(root, "routing")) film.routing = read_routing(*routing);
  if (const auto* refs = array_at(root, "references"))
    for (std::size_t i = 0; i < refs->size(); ++i)
      film.references.push_back(read_reference(*(*refs)[i].as_table(), indexed("references", i)));
  if (const auto* scenes = array_at(root, "scenes"))
    for (std::size_t i = 0; i < scenes->size(); ++i)
      film.scenes.push_back(read_scene(*(*scenes)[i].as_table(), indexed("scenes", i)));
  return film;
}

}  // namespace

std::string_view value_kind_name(ValueKind kind) {
  switch (kind) {
    case Kind::String: return "string";
    case Kind::Integer: return "integer";
    case Kind::Number: return "number";
    case Kind::StringArray: return "array of strings";
    case Kind::Table: return "table";
    case Kind::TableArray: return "array of tables";
  }
  return "";
}

const std::vector<KeySpec>& accepted_keys() {
  static const std::vector<KeySpec> keys = build_accepted_keys();
  return keys;
}

Film load_film_string(std::string_view toml_text, std::string_view source_name) {
  Loader loader{std::string(source_name)};
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string(source_name));
  } catch (const toml::parse_error& e) {
    throw Error("malformed TOML: " + std::string(e.description()), loader.where(e.source()),
                "fix the TOML syntax there; the format is described at https://toml.io");
  }
  return loader.load(root);
}

Film load_film_file(const std::filesystem::path& toml_path) {
  return load_film_string(read_file(toml_path), toml_path.string());
}

}  // namespace shotgen::film
