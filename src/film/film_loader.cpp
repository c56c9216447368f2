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

// Numbers in messages as a person writes them: "600", "1000000000", "0.5", not "600.000000".
std::string number_text(double value) {
  if (std::trunc(value) == value && std::fabs(value) < 1e15) return std::to_string(static_cast<long long>(value));
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

ValueRule at_least(double minimum, std::string example) { return {minimum, false, std::nullopt, {}, {}, std::move(example)}; }
ValueRule between(double minimum, double maximum, std::string example) {
  return {minimum, false, maximum, {}, {}, std::move(example)};
}
ValueRule above_up_to(double exclusive_minimum, double maximum, std::string example) {
  return {exclusive_minimum, true, maximum, {}, {}, std::move(example)};
}
ValueRule one_of(std::vector<std::string> values, std::string noun) { return {{}, false, {}, std::move(values), std::move(noun), {}}; }

std::vector<KeySpec> build_accepted_keys() {
  std::vector<KeySpec> keys;
  auto add = [&keys](std::string table, std::string key, Kind kind, bool required = false, ValueRule rule = {}) {
    keys.push_back({std::move(table), std::move(key), kind, required, std::move(rule)});
  };
  const ValueRule seed = at_least(0, "seed = 1234");  // TOML integers end at 2^63 - 1
  add("", "format_version", Kind::Integer, false, between(1, kFilmFormatVersion, "format_version = 1"));
  add("", "film", Kind::Table, true);
  add("", "style", Kind::Table, true);
  add("", "negative", Kind::Table, true);
  add("", "look", Kind::Table);
  add("", "finish", Kind::Table);
  add("", "render", Kind::Table);
  add("", "routing", Kind::Table);
  add("", "references", Kind::TableArray);
  add("", "scenes", Kind::TableArray);

  add("film", "title", Kind::String, true);
  add("film", "fps", Kind::Number, false, above_up_to(0, kMaxFps, "fps = 24"));
  add("film", "resolution", Kind::String);
  add("film", "default_shot_duration", Kind::Number, false,
      above_up_to(0, kMaxShotSeconds, "default_shot_duration = 2.0"));
  std::vector<std::string> policies;
  for (auto policy : {SeedPolicy::PerShot, SeedPolicy::Fixed}) policies.emplace_back(seed_policy_name(policy));
  add("film", "seed_policy", Kind::String, false, one_of(policies, "seed policy"));
  add("film", "seed", Kind::Integer, false, seed);
  add("film", "reference_library", Kind::String);

  add("style", "block", Kind::String, true);

  for (const char* layer : {"format", "anatomy", "quality", "extra"}) add("negative", layer, Kind::StringArray);

  for (const char* look_table : {"look", "scenes[].look", "scenes[].shots[].look"})
    for (LookField field : all_look_fields()) add(look_table, std::string(look_field_key(field)), Kind::String);

  for (const char* finish_table : {"finish", "scenes[].finish", "scenes[].shots[].finish"}) {
    std::vector<std::string> passes, kernels, fits, interpolations;
    for (FinishPass pass : all_finish_passes()) passes.emplace_back(finish_pass_name(pass));
    for (auto kernel : {UpscaleKernel::Lanczos3, UpscaleKernel::Bilinear}) kernels.emplace_back(upscale_kernel_name(kernel));
    for (auto fit : {FrameFit::Crop, FrameFit::Letterbox}) fits.emplace_back(frame_fit_name(fit));
    for (auto interpolation : {LutInterpolation::Tetrahedral, LutInterpolation::Trilinear})
      interpolations.emplace_back(lut_interpolation_name(interpolation));
    add(finish_table, "passes", Kind::StringArray, false, one_of(passes, "finishing pass"));
    add(finish_table, "deflicker", Kind::Number, false, between(0, 1, "deflicker = 0.5"));
    add(finish_table, "reframe_zoom", Kind::Number, false,
        between(kMinReframeZoom, kMaxReframeZoom, "reframe_zoom = 1.3"));
    add(finish_table, "upscale", Kind::String, false, one_of(kernels, "upscale kernel"));
    add(finish_table, "fit", Kind::String, false, one_of(fits, "fit"));
    add(finish_table, "lut", Kind::String);
    add(finish_table, "lut_interpolation", Kind::String, false, one_of(interpolations, "LUT interpolation"));
    add(finish_table, "lut_strength", Kind::Number, false, between(0, 1, "lut_strength = 0.8"));
    add(finish_table, "palette_lock", Kind::Number, false, between(0, 1, "palette_lock = 0.3"));
    add(finish_table, "grain", Kind::Number, false, between(0, 1, "grain = 0.04"));
    add(finish_table, "grain_size", Kind::Number, false, between(kMinGrainSize, kMaxGrainSize, "grain_size = 1.5"));
    add(finish_table, "aspect", Kind::Number, false, between(kMinAspect, kMaxAspect, "aspect = 2.39"));
  }

  add("render", "size", Kind::String);
  add("render", "steps", Kind::Integer, false, between(1, 10000, "steps = 20"));
  add("render", "guidance", Kind::Number, false, between(0, kMaxGuidance, "guidance = 5.0"));
  add("render", "negative_scale", Kind::Number, false, between(0, kMaxGuidance, "negative_scale = 1.0"));
  add("render", "layout_guide", Kind::Number, false, between(0, kMaxLayoutGuide, "layout_guide = 0.4"));

  add("routing", "fallback", Kind::StringArray);
  add("routing", "rules", Kind::TableArray);
  for (const char* condition : {"tag", "scene", "shot"}) add("routing.rules[]", condition, Kind::String);
  add("routing.rules[]", "mode", Kind::String, false, one_of({"draft", "final"}, "mode"));
  add("routing.rules[]", "backends", Kind::StringArray, true);

  add("references[]", "id", Kind::String, true);
  add("references[]", "image", Kind::String, true);
  add("references[]", "use", Kind::StringArray, false, one_of(reference_dimensions(), "reference dimension"));
  add("references[]", "ignore", Kind::StringArray, false, one_of(reference_dimensions(), "reference dimension"));
  add("references[]", "description", Kind::String);

  add("scenes[]", "id", Kind::String, true);
  add("scenes[]", "title", Kind::String);
  add("scenes[]", "look", Kind::Table);
  add("scenes[]", "finish", Kind::Table);
  add("scenes[]", "negative", Kind::StringArray);
  add("scenes[]", "shots", Kind::TableArray);

  const std::string shot = "scenes[].shots[]";
  add(shot, "id", Kind::String, true);
  add(shot, "action", Kind::String, true);
  add(shot, "duration", Kind::Number, false, above_up_to(0, kMaxShotSeconds, "duration = 2.0"));
  add(shot, "look", Kind::Table);
  add(shot, "finish", Kind::Table);
  add(shot, "negative", Kind::StringArray);
  add(shot, "references", Kind::StringArray);
  add(shot, "tags", Kind::StringArray);
  add(shot, "route", Kind::String);
  add(shot, "seed", Kind::Integer, false, seed);
  add(shot, "takes", Kind::Integer, false, between(1, kMaxTakes, "takes = 3"));
  std::vector<std::string> transitions;
  for (auto transition : {Transition::Cut, Transition::Crossfade, Transition::DipToBlack})
    transitions.emplace_back(transition_name(transition));
  add(shot, "transition", Kind::String, false, one_of(transitions, "transition"));
  add(shot, "transition_seconds", Kind::Number, false, between(0, kMaxShotSeconds, "transition_seconds = 0.5"));
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

// Typed reads that see nothing where the value has another kind: check_table() has reported
// that already, and the reader goes on with the rest of the file.
std::optional<std::string> optional_text_at(const toml::table& t, std::string_view key) {
  const auto* s = t.get_as<std::string>(key);
  return s ? std::optional<std::string>(s->get()) : std::nullopt;
}

std::string text_at(const toml::table& t, std::string_view key) { return optional_text_at(t, key).value_or(""); }

std::optional<double> number_at(const toml::table& t, std::string_view key) {
  const toml::node* node = t.get(key);
  if (!node) return std::nullopt;
  if (const auto* i = node->as_integer()) return static_cast<double>(i->get());
  if (const auto* f = node->as_floating_point()) return f->get();
  return std::nullopt;
}

std::optional<std::int64_t> integer_at(const toml::table& t, std::string_view key) {
  const auto* i = t.get_as<std::int64_t>(key);
  return i ? std::optional<std::int64_t>(i->get()) : std::nullopt;
}

std::vector<std::string> texts_at(const toml::table& t, std::string_view key) {
  std::vector<std::string> out;
  if (const auto* array = array_at(t, key))
    for (const auto& element : *array)
      if (const auto* text = element.as_string()) out.push_back(text->get());
  return out;
}

// What a value must satisfy: "be from 1 to 1000", "be greater than 0 and at most 600", "not be negative".
std::string range_requirement(const ValueRule& rule) {
  const bool has_min = rule.minimum.has_value(), has_max = rule.maximum.has_value();
  if (has_min && has_max && !rule.exclusive_minimum && *rule.minimum == *rule.maximum)
    return "be " + number_text(*rule.minimum);
  if (has_min && has_max)
    return rule.exclusive_minimum
               ? "be greater than " + number_text(*rule.minimum) + " and at most " + number_text(*rule.maximum)
               : "be from " + number_text(*rule.minimum) + " to " + number_text(*rule.maximum);
  if (has_min && rule.exclusive_minimum) return "be greater than " + number_text(*rule.minimum);
  if (has_min) return *rule.minimum == 0 ? "not be negative" : "be at least " + number_text(*rule.minimum);
  if (has_max) return "be at most " + number_text(*rule.maximum);
  return "be a number";
}

bool in_range(double value, const ValueRule& rule) {
  if (rule.minimum && (rule.exclusive_minimum ? !(value > *rule.minimum) : !(value >= *rule.minimum))) return false;
  return !(rule.maximum && value > *rule.maximum);
}

// A Problem with its position, so that problems can be put in file order.
struct Located {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  Problem problem;
};

// Reads a film.toml table tree whose syntax the TOML parser already accepted. Every table is
// first checked against accepted_keys() (unknown keys, kinds, required keys, ranges, enums), then
// its values are read. Problems are collected, not thrown, so one run reports all of them.
class Loader {
 public:
  explicit Loader(std::string source_name) : source_name_(std::move(source_name)) {}

  std::optional<Film> load(const toml::table& root);

  std::string where(const toml::source_region& region) const {
    // Tables the parser created implicitly have no position; point at the top of the file.
    return source_name_ + ":" + std::to_string(line_of(region)) + ":" + std::to_string(column_of(region));
  }

  void report(const toml::source_region& region, std::string code, std::string what, std::string fix = {}) {
    problems_.push_back({line_of(region), column_of(region),
                         Problem{std::move(what), where(region), std::move(fix), ErrorKind::General, std::move(code)}});
  }

  // The problems in file order (the order of discovery for equal positions).
  std::vector<Problem> problems() const {
    auto sorted = problems_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Located& a, const Located& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    std::vector<Problem> out;
    for (auto& located : sorted) out.push_back(std::move(located.problem));
    return out;
  }

 private:
  static std::uint32_t line_of(const toml::source_region& region) { return region.begin.line == 0 ? 1u : region.begin.line; }
  static std::uint32_t column_of(const toml::source_region& region) {
    return region.begin.column == 0 ? 1u : region.begin.column;
  }

  void check_table(const toml::table& table, std::string_view spec_table, const std::string& path);
  bool check_kind(const toml::node& value, const KeySpec& spec, const std::string& path);
  void check_rule(const toml::node& value, const KeySpec& spec, const std::string& path);
  void check_one_of(const toml::node& value, const KeySpec& spec, const std::string& path);
  std::string suggest_key(std::string_view spec_table, std::string_view key) const;

  std::string checked_id(const toml::table& t, const std::string& path, std::map<std::string, std::string>& seen,
                         std::string_view kind);
  std::optional<Resolution> size_at(const toml::table& t, std::string_view key, const std::string& path,
                                    std::string_view example);

  void read_film_info(const toml::table& t, FilmInfo& info);
  NegativeBlock read_negative(const toml::table& t);
  Look read_look(const toml::table& t, std::string_view spec_table, const std::string& path);
  FinishSettings read_finish(const toml::table& t, std::string_view spec_table, const std::string& path);
  RenderSettings read_render(const toml::table& t);
  Routing read_routing(const toml::table& t);
  Reference read_reference(const toml::table& t, const std::string& path);
  Scene read_scene(const toml::table& t, const std::string& path);
  Shot read_shot(const toml::table& t, const std::string& path);

  std::string source_name_;
  std::vector<Located> problems_;
  std::map<std::string, std::string> reference_ids_;  // id -> where first defined
  std::map<std::string, std::string> scene_ids_;
  std::map<std::string, std::string> shot_ids_;
};

void Loader::check_table(const toml::table& table, std::string_view spec_table, const std::string& path) {
  for (auto&& [key, value] : table) {
    std::string key_path = join_path(path, key.str());
    const KeySpec* spec = find_spec(spec_table, key.str());
    if (!spec) {
      report(key.source(), "unknown-key", "unknown key '" + key_path + "'", suggest_key(spec_table, key.str()));
      continue;
    }
    if (check_kind(value, *spec, key_path)) check_rule(value, *spec, key_path);
  }
  for (const auto& spec : accepted_keys()) {
    if (spec.table != spec_table || !spec.required || table.contains(spec.key)) continue;
    report(table.source(), "missing-key", "missing required key '" + join_path(path, spec.key) + "'",
           "add " + kind_example(spec.kind, spec.key));
  }
}

// True when `value` (and, for arrays, every element) has the kind `spec` asks for.
bool Loader::check_kind(const toml::node& value, const KeySpec& spec, const std::string& path) {
  if (!kind_matches(value, spec.kind)) {
    report(value.source(), "wrong-type",
           "wrong type for '" + path + "': expected " + std::string(expected_phrase(spec.kind)) + ", found " +
               std::string(found_phrase(value)),
           kind_fix(spec.kind, spec.key));
    return false;
  }
  if (spec.kind != Kind::StringArray && spec.kind != Kind::TableArray) return true;
  const auto& array = *value.as_array();
  bool ok = true;
  for (std::size_t i = 0; i < array.size(); ++i) {
    const toml::node& element = array[i];
    if (spec.kind == Kind::StringArray ? element.is_string() : element.is_table()) continue;
    ok = false;
    report(element.source(), "wrong-type",
           "wrong type for '" + indexed(path, i) + "': expected " +
               (spec.kind == Kind::StringArray ? "a string" : "a table") + ", found " + std::string(found_phrase(element)),
           kind_fix(spec.kind, spec.key));
  }
  return ok;
}

void Loader::check_rule(const toml::node& value, const KeySpec& spec, const std::string& path) {
  const ValueRule& rule = spec.rule;
  if (spec.kind == Kind::Number || spec.kind == Kind::Integer) {
    const double number = value.is_integer() ? static_cast<double>(value.as_integer()->get())
                                             : value.as_floating_point()->get();
    if (!std::isfinite(number)) {
      report(value.source(), "out-of-range", "'" + path + "' must be a finite number",
             rule.example.empty() ? "write a number like 1.5" : "for example " + rule.example);
      return;
    }
    if (!in_range(number, rule))
      report(value.source(), "out-of-range",
             "'" + path + "' must " + range_requirement(rule) + ", got " + number_text(number),
             rule.example.empty() ? std::string() : "for example " + rule.example);
    return;
  }
  if (!rule.one_of.empty()) check_one_of(value, spec, path);
}

void Loader::check_one_of(const toml::node& value, const KeySpec& spec, const std::string& path) {
  auto check = [&](const toml::node& node, const std::string& at) {
    const std::string& text = node.as_string()->get();
    const auto& allowed = spec.rule.one_of;
    if (std::find(allowed.begin(), allowed.end(), text) != allowed.end()) return;
    NameMatch near = nearest_match(text, allowed).value_or(NameMatch{{}, std::numeric_limits<std::size_t>::max()});
    std::string fix = is_plausible_typo(text, near) ? "did you mean '" + near.name + "'? " : "";
    std::string choices;
    for (const auto& name : allowed) choices += (choices.empty() ? "\"" : ", \"") + name + "\"";
    report(node.source(), "unknown-value", "unknown " + spec.rule.noun + " '" + text + "' at '" + at + "'",
           fix + "use one of " + choices);
  };
  if (const auto* array = value.as_array()) {
    for (std::size_t i = 0; i < array->size(); ++i) check((*array)[i], indexed(path, i));
  } else {
    check(value, path);
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

// The table's id, checked for form and uniqueness; "" when missing (reported by check_table).
std::string Loader::checked_id(const toml::table& t, const std::string& path, std::map<std::string, std::string>& seen,
                               std::string_view kind) {
  const auto* node = t.get_as<std::string>("id");
  if (!node) return {};
  std::string id = node->get();
  if (!is_valid_id(id)) {
    report(node->source(), "invalid-id", "invalid " + std::string(kind) + " id '" + id + "' at '" + path + ".id'",
           "start with a letter or digit and use only letters, digits, '_', '-' and '.', e.g. \"s1_alley\"");
    return id;
  }
  auto [it, inserted] = seen.emplace(id, where(node->source()));
  if (!inserted)
    report(node->source(), "duplicate-id", "duplicate " + std::string(kind) + " id '" + id + "' at '" + path + ".id'",
           "ids must be unique; '" + id + "' is already used at " + it->second);
  return id;
}

std::optional<Resolution> Loader::size_at(const toml::table& t, std::string_view key, const std::string& path,
                                          std::string_view example) {
  const auto* node = t.get_as<std::string>(key);
  if (!node) return std::nullopt;
  auto size = parse_size(node->get());
  if (!size)
    report(node->source(), "invalid-value", "'" + path + "' must be \"WIDTHxHEIGHT\", got \"" + node->get() + "\"",
           "for example " + std::string(example));
  return size;
}

void Loader::read_film_info(const toml::table& t, FilmInfo& info) {
  check_table(t, "film", "film");
  info.title = text_at(t, "title");
  if (const auto* title = t.get_as<std::string>("title"); title && title->get().empty())
    report(title->source(), "invalid-value", "'film.title' is empty", "give the film a title");
  if (auto fps = number_at(t, "fps")) info.fps = *fps;
  if (auto size = size_at(t, "resolution", "film.resolution", "resolution = \"512x256\"")) info.resolution = *size;
  if (auto duration = number_at(t, "default_shot_duration")) info.default_shot_duration = *duration;
  if (auto policy = seed_policy_from_name(text_at(t, "seed_policy"))) info.seed_policy = *policy;
  if (auto seed = integer_at(t, "seed")) info.base_seed = static_cast<std::uint64_t>(*seed);
  info.reference_library = text_at(t, "reference_library");
}

NegativeBlock Loader::read_negative(const toml::table& t) {
  check_table(t, "negative", "negative");
  NegativeBlock block;
  block.format = texts_at(t, "format");
  block.anatomy = texts_at(t, "anatomy");
  block.quality = texts_at(t, "quality");
  block.extra = texts_at(t, "extra");
  return block;
}

Look Loader::read_look(const toml::table& t, std::string_view spec_table, const std::string& path) {
  check_table(t, spec_table, path);
  Look look;
  for (LookField field : all_look_fields()) look.get(field) = optional_text_at(t, look_field_key(field));
  return look;
}

FinishSettings Loader::read_finish(const toml::table& t, std::string_view spec_table, const std::string& path) {
  check_table(t, spec_table, path);
  FinishSettings finish;
  if (t.contains("passes")) {
    finish.passes.emplace();
    for (const auto& name : texts_at(t, "passes"))
      if (auto pass = finish_pass_from_name(name)) finish.passes->push_back(*pass);
  }
  finish.deflicker = number_at(t, "deflicker");
  finish.reframe_zoom = number_at(t, "reframe_zoom");
  if (auto name = optional_text_at(t, "upscale")) finish.upscale = upscale_kernel_from_name(*name);
  if (auto name = optional_text_at(t, "fit")) finish.fit = frame_fit_from_name(*name);
  finish.lut = optional_text_at(t, "lut");
  if (const auto* lut = t.get_as<std::string>("lut"); lut && lut->get().empty())
    report(lut->source(), "invalid-value", "'" + path + ".lut' is empty", "give the .cube file's path relative to the workspace");
  if (auto name = optional_text_at(t, "lut_interpolation"))
    finish.lut_interpolation = lut_interpolation_from_name(*name);
  finish.lut_strength = number_at(t, "lut_strength");
  finish.palette_lock = number_at(t, "palette_lock");
  finish.grain = number_at(t, "grain");
  finish.grain_size = number_at(t, "grain_size");
  finish.aspect = number_at(t, "aspect");
  return finish;
}

RenderSettings Loader::read_render(const toml::table& t) {
  check_table(t, "render", "render");
  RenderSettings render;
  if (auto size = size_at(t, "size", "render.size", "size = \"128x64\"")) {
    if (size->width % 16 != 0 || size->height % 16 != 0) {
      auto up = [](int v) { return (v + 15) / 16 * 16; };
      report(t.get("size")->source(), "invalid-value",
             "'render.size' must be multiples of 16 (the model works on 16x16 patches), got \"" +
                 t.get_as<std::string>("size")->get() + "\"",
             "use size = \"" + std::to_string(up(size->width)) + "x" + std::to_string(up(size->height)) + "\"");
    }
    render.size = *size;
  }
  if (auto steps = integer_at(t, "steps")) render.steps = static_cast<int>(*steps);
  render.guidance = number_at(t, "guidance");
  render.negative_scale = number_at(t, "negative_scale");
  render.layout_guide = number_at(t, "layout_guide").value_or(0.0);
  return render;
}

Routing Loader::read_routing(const toml::table& t) {
  check_table(t, "routing", "routing");
  Routing routing;
  if (t.contains("fallback")) routing.fallback = texts_at(t, "fallback");
  if (const auto* rules = array_at(t, "rules")) {
    for (std::size_t i = 0; i < rules->size(); ++i) {
      const auto* rule_table = (*rules)[i].as_table();
      if (!rule_table) continue;
      std::string path = indexed("routing.rules", i);
      check_table(*rule_table, "routing.rules[]", path);
      RouteRule rule;
      rule.tag = optional_text_at(*rule_table, "tag");
      rule.scene = optional_text_at(*rule_table, "scene");
      rule.shot = optional_text_at(*rule_table, "shot");
      rule.mode = optional_text_at(*rule_table, "mode");
      if (const auto* backends = array_at(*rule_table, "backends"); backends && backends->empty())
        report(backends->source(), "invalid-value", "'" + path + ".backends' is empty",
               "name at least one backend, e.g. backends = [\"final\"]");
      rule.backends = texts_at(*rule_table, "backends");
      rule.source = where(rule_table->source());
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
  if (const auto* image = t.get_as<std::string>("image"); image && image->get().empty())
    report(image->source(), "invalid-value", "'" + path + ".image' is empty",
           "give the image path relative to the workspace");
  ref.use = texts_at(t, "use");
  ref.ignore = texts_at(t, "ignore");
  for (const auto& dim : ref.use)
    if (std::find(ref.ignore.begin(), ref.ignore.end(), dim) != ref.ignore.end())
      report(t.get("ignore")->source(), "invalid-value", "'" + dim + "' is both used and ignored in '" + path + "'",
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
  shot.duration = number_at(t, "duration");
  if (const auto* look = table_at(t, "look")) shot.look = read_look(*look, "scenes[].shots[].look", path + ".look");
  if (const auto* finish = table_at(t, "finish"))
    shot.finish = read_finish(*finish, "scenes[].shots[].finish", path + ".finish");
  shot.negative = texts_at(t, "negative");
  shot.references = texts_at(t, "references");
  shot.tags = texts_at(t, "tags");
  shot.route = text_at(t, "route");
  if (auto seed = integer_at(t, "seed")) shot.seed = static_cast<std::uint64_t>(*seed);
  if (auto takes = integer_at(t, "takes")) shot.takes = static_cast<int>(*takes);
  if (auto transition = transition_from_name(text_at(t, "transition"))) shot.transition = *transition;
  if (auto seconds = number_at(t, "transition_seconds")) shot.transition_seconds = *seconds;
  shot.source = where(t.source());
  return shot;
}

Scene Loader::read_scene(const toml::table& t, const std::string& path) {
  check_table(t, "scenes[]", path);
  Scene scene;
  scene.id = checked_id(t, path, scene_ids_, "scene");
  scene.title = text_at(t, "title");
  if (const auto* look = table_at(t, "look")) scene.look = read_look(*look, "scenes[].look", path + ".look");
  if (const auto* finish = table_at(t, "finish")) scene.finish = read_finish(*finish, "scenes[].finish", path + ".finish");
  scene.negative = texts_at(t, "negative");
  if (const auto* shots = array_at(t, "shots"))
    for (std::size_t i = 0; i < shots->size(); ++i)
      if (const auto* shot = (*shots)[i].as_table()) scene.shots.push_back(read_shot(*shot, indexed(path + ".shots", i)));
  scene.source = where(t.source());
  return scene;
}

std::optional<Film> Loader::load(const toml::table& root) {
  Film film;
  // Checked before the keys: a newer file may use keys this shotgen does not know.
  if (auto version = integer_at(root, "format_version"); version && *version > kFilmFormatVersion) {
    report(root.get("format_version")->source(), "newer-format",
           "film.toml has format_version " + std::to_string(*version) +
               ": it was written by a newer shotgen (this one reads " + std::to_string(kFilmFormatVersion) + ")",
           "upgrade shotgen");
    return std::nullopt;
  }
  check_table(root, "", "");
  if (auto version = integer_at(root, "format_version")) film.format_version = static_cast<int>(*version);
  if (const auto* info = table_at(root, "film")) read_film_info(*info, film.info);
  if (const auto* style = table_at(root, "style")) {
    check_table(*style, "style", "style");
    film.style.text = text_at(*style, "block");
  }
  if (const auto* negative = table_at(root, "negative")) film.negative = read_negative(*negative);
  if (const auto* look = table_at(root, "look")) film.look = read_look(*look, "look", "look");
  if (const auto* finish = table_at(root, "finish")) film.finish = read_finish(*finish, "finish", "finish");
  if (const auto* render = table_at(root, "render")) film.render = read_render(*render);
  if (const auto* routing = table_at(root, "routing")) film.routing = read_routing(*routing);
  if (const auto* refs = array_at(root, "references"))
    for (std::size_t i = 0; i < refs->size(); ++i)
      if (const auto* ref = (*refs)[i].as_table()) film.references.push_back(read_reference(*ref, indexed("references", i)));
  if (const auto* scenes = array_at(root, "scenes"))
    for (std::size_t i = 0; i < scenes->size(); ++i)
      if (const auto* scene = (*scenes)[i].as_table()) film.scenes.push_back(read_scene(*scene, indexed("scenes", i)));
  if (!problems_.empty()) return std::nullopt;
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

FilmCheck check_film_string(std::string_view toml_text, std::string_view source_name) {
  Loader loader{std::string(source_name)};
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string(source_name));
  } catch (const toml::parse_error& e) {
    loader.report(e.source(), "malformed-toml", "malformed TOML: " + std::string(e.description()),
                  "fix the TOML syntax there; the format is described at https://toml.io");
    return {std::nullopt, loader.problems()};
  }
  auto film = loader.load(root);
  return {std::move(film), loader.problems()};
}

FilmCheck check_film_file(const std::filesystem::path& toml_path) {
  std::string text;
  try {
    text = read_file(toml_path);
  } catch (const Error& e) {
    Problem problem = e.problem();
    problem.kind = ErrorKind::Io;
    problem.code = "unreadable-file";
    return {std::nullopt, {std::move(problem)}};
  }
  return check_film_string(text, toml_path.string());
}

namespace {
Film film_or_first_problem(FilmCheck checked) {
  if (checked.film) return std::move(*checked.film);
  Problem first = checked.problems.front();
  if (const auto more = checked.problems.size() - 1; more > 0)
    first.fix += (first.fix.empty() ? "" : "; ") + std::to_string(more) +
                 " more problem(s) in this file: `shotgen lint` lists them all";
  throw Error(std::move(first));
}
}  // namespace

Film load_film_string(std::string_view toml_text, std::string_view source_name) {
  return film_or_first_problem(check_film_string(toml_text, source_name));
}

Film load_film_file(const std::filesystem::path& toml_path) { return film_or_first_problem(check_film_file(toml_path)); }

}  // namespace shotgen::film
