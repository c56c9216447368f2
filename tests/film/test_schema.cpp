// Keeps schemas/film.schema.json and the loader in agreement: the example projects validate
// against the schema, and the schema describes exactly the keys (with their kinds,
// required-ness, numeric ranges and enums) that the loader accepts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "film/film_loader.h"
#include "film/workspace.h"
#include "support/test_support.h"

namespace shotgen::film {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

fs::path schema_path() { return testing::source_dir() / "schemas" / "film.schema.json"; }

json load_schema() { return json::parse(testing::read_text(schema_path())); }

// Resolves a local "$ref": "#/definitions/NAME".
const json& resolve(const json& root, const json& node) {
  if (!node.contains("$ref")) return node;
  std::string ref = node["$ref"];
  const std::string prefix = "#/definitions/";
  EXPECT_EQ(ref.rfind(prefix, 0), 0u) << ref;
  return root["definitions"][ref.substr(prefix.size())];
}

using KeyRow = std::tuple<std::string, std::string, std::string, bool>;  // table, key, kind, required

std::string schema_kind(const json& root, const json& node) {
  const json& n = resolve(root, node);
  std::string type = n.value("type", "");
  if (type != "array") return type == "object" ? "table" : type;
  std::string item = resolve(root, n["items"]).value("type", "");
  return item == "object" ? "array of tables" : item == "string" ? "array of strings" : "array of " + item;
}

// Flattens the schema the way accepted_keys() names tables: "", "film", "scenes[]", ...
void collect(const json& root, const json& object, const std::string& table, std::set<KeyRow>& rows) {
  const json& obj = resolve(root, object);
  EXPECT_EQ(obj.value("additionalProperties", true), false) << "table '" << table << "' allows unknown keys";
  std::set<std::string> required;
  if (obj.contains("required"))
    for (const auto& r : obj["required"]) required.insert(r.get<std::string>());
  for (const auto& [key, value] : obj["properties"].items()) {
    const json& prop = resolve(root, value);
    EXPECT_TRUE(prop.contains("description")) << table << "." << key << " has no description";
    std::string kind = schema_kind(root, value);
    rows.insert({table, key, kind, required.count(key) > 0});
    std::string child = table.empty() ? key : table + "." + key;
    if (kind == "table") collect(root, prop, child, rows);
    if (kind == "array of tables") collect(root, prop["items"], child + "[]", rows);
  }
}

std::string describe(const std::set<KeyRow>& rows) {
  std::ostringstream out;
  for (const auto& [table, key, kind, required] : rows)
    out << "  " << (table.empty() ? "" : table + ".") << key << " (" << kind << (required ? ", required" : "") << ")\n";
  return out.str();
}

TEST(FilmSchema, DescribesExactlyTheKeysTheLoaderAccepts) {
  json schema = load_schema();
  std::set<KeyRow> from_schema;
  collect(schema, schema, "", from_schema);

  std::set<KeyRow> from_loader;
  for (const auto& spec : accepted_keys())
    from_loader.insert({spec.table, spec.key, std::string(value_kind_name(spec.kind)), spec.required});

  std::set<KeyRow> only_schema, only_loader;
  for (const auto& row : from_schema)
    if (!from_loader.count(row)) only_schema.insert(row);
  for (const auto& row : from_loader)
    if (!from_schema.count(row)) only_loader.insert(row);
  EXPECT_TRUE(only_schema.empty()) << "in the schema but not accepted by the loader:\n" << describe(only_schema);
  EXPECT_TRUE(only_loader.empty()) << "accepted by the loader but not in the schema:\n" << describe(only_loader);
}

// A key's value rule as text, the same for the schema and the loader: "min 0, max 600, enum a|b".
std::string rule_text(std::optional<double> minimum, bool exclusive, std::optional<double> maximum,
                      const std::vector<std::string>& one_of) {
  std::ostringstream out;
  if (minimum) out << (exclusive ? "exclusiveMinimum " : "minimum ") << *minimum << "; ";
  if (maximum) out << "maximum " << *maximum << "; ";
  if (!one_of.empty()) {
    out << "enum";
    for (const auto& value : one_of) out << " " << value;
  }
  return out.str();
}

using RuleRow = std::tuple<std::string, std::string, std::string>;  // table, key, rule_text

void collect_rules(const json& root, const json& object, const std::string& table, std::set<RuleRow>& rows) {
  const json& obj = resolve(root, object);
  for (const auto& [key, value] : obj["properties"].items()) {
    const json& prop = resolve(root, value);
    const std::string kind = schema_kind(root, value);
    const std::string child = table.empty() ? key : table + "." + key;
    if (kind == "table") collect_rules(root, prop, child, rows);
    if (kind == "array of tables") collect_rules(root, prop["items"], child + "[]", rows);
    // The enum of an array of strings is on its items.
    const json& constrained = kind == "array of strings" ? resolve(root, prop["items"]) : prop;
    std::optional<double> minimum, maximum;
    bool exclusive = false;
    if (constrained.contains("exclusiveMinimum")) {
      minimum = constrained["exclusiveMinimum"].get<double>();
      exclusive = true;
    } else if (constrained.contains("minimum")) {
      minimum = constrained["minimum"].get<double>();
    }
    if (constrained.contains("maximum")) maximum = constrained["maximum"].get<double>();
    std::vector<std::string> one_of;
    if (constrained.contains("enum")) one_of = constrained["enum"].get<std::vector<std::string>>();
    const std::string rule = rule_text(minimum, exclusive, maximum, one_of);
    if (!rule.empty()) rows.insert({table, key, rule});
  }
}

std::string describe(const std::set<RuleRow>& rows) {
  std::ostringstream out;
  for (const auto& [table, key, rule] : rows) out << "  " << (table.empty() ? "" : table + ".") << key << ": " << rule << "\n";
  return out.str();
}

TEST(FilmSchema, RangesAndEnumsMatchTheLoader) {
  json schema = load_schema();
  std::set<RuleRow> from_schema;
  collect_rules(schema, schema, "", from_schema);

  std::set<RuleRow> from_loader;
  for (const auto& spec : accepted_keys()) {
    const ValueRule& r = spec.rule;
    const std::string rule = rule_text(r.minimum, r.exclusive_minimum, r.maximum, r.one_of);
    if (!rule.empty()) from_loader.insert({spec.table, spec.key, rule});
  }
  EXPECT_GE(from_loader.size(), 10u);  // the comparison below is not vacuous

  std::set<RuleRow> only_schema, only_loader;
  for (const auto& row : from_schema)
    if (!from_loader.count(row)) only_schema.insert(row);
  for (const auto& row : from_loader)
    if (!from_schema.count(row)) only_loader.insert(row);
  EXPECT_TRUE(only_schema.empty()) << "ranges/enums in the schema but not in the loader:\n" << describe(only_schema);
  EXPECT_TRUE(only_loader.empty()) << "ranges/enums in the loader but not in the schema:\n" << describe(only_loader);
}

TEST(FilmSchema, EnumsMatchTheModel) {
  json schema = load_schema();
  const json& props = schema["properties"];
  std::vector<std::string> dims = props["references"]["items"]["properties"]["use"]["items"]["enum"];
  EXPECT_EQ(dims, reference_dimensions());
  std::vector<std::string> ignore_dims = props["references"]["items"]["properties"]["ignore"]["items"]["enum"];
  EXPECT_EQ(ignore_dims, reference_dimensions());
  std::vector<std::string> policies = props["film"]["properties"]["seed_policy"]["enum"];
  EXPECT_EQ(policies, (std::vector<std::string>{std::string(seed_policy_name(SeedPolicy::PerShot)),
                                                std::string(seed_policy_name(SeedPolicy::Fixed))}));
  std::vector<std::string> transitions =
      props["scenes"]["items"]["properties"]["shots"]["items"]["properties"]["transition"]["enum"];
  EXPECT_EQ(transitions, (std::vector<std::string>{std::string(transition_name(Transition::Cut)),
                                                   std::string(transition_name(Transition::Crossfade)),
                                                   std::string(transition_name(Transition::DipToBlack))}));
  std::vector<std::string> passes = schema["definitions"]["finish"]["properties"]["passes"]["items"]["enum"];
  std::vector<std::string> model_passes;
  for (FinishPass pass : all_finish_passes()) model_passes.emplace_back(finish_pass_name(pass));
  std::sort(passes.begin(), passes.end());
  std::sort(model_passes.begin(), model_passes.end());
  EXPECT_EQ(passes, model_passes);
  std::vector<std::string> modes = props["routing"]["properties"]["rules"]["items"]["properties"]["mode"]["enum"];
  EXPECT_EQ(modes, (std::vector<std::string>{"draft", "final"}));
}

// Validates TOML files against the schema with Python's jsonschema; returns its report.
testing::CommandResult validate(const std::vector<fs::path>& toml_files, const fs::path& work) {
  std::vector<std::string> args = {"-c", R"(
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
bad = 0
for path in sys.argv[2:]:
    for error in validator.iter_errors(json.load(open(path))):
        bad += 1
        print(path, "/".join(str(p) for p in error.absolute_path), error.message)
sys.exit(1 if bad else 0)
)",
                                   schema_path().string()};
  int index = 0;
  for (const auto& file : toml_files) {
    std::ostringstream json_text;
    json_text << toml::json_formatter{toml::parse_file(file.string())};
    auto json_path = work / ("film" + std::to_string(index++) + ".json");
    testing::write_text(json_path, json_text.str());
    args.push_back(json_path.string());
  }
  return testing::run_program("python3", args);
}

TEST(FilmSchema, ExampleProjectsAndScaffoldValidate) {
  testing::TempDir tmp;
  Workspace scaffold = Workspace::init(tmp.path() / "scaffold", "Scaffold");
  std::vector<fs::path> files = {scaffold.film_toml()};
  for (const auto& entry : fs::directory_iterator(testing::projects_dir()))
    if (fs::exists(entry.path() / "film.toml")) files.push_back(entry.path() / "film.toml");
  ASSERT_GE(files.size(), 3u);
  auto result = validate(files, tmp.path());
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
}

TEST(FilmSchema, RejectsWhatTheLoaderRejects) {
  // The validator must be able to fail: an unknown key, a wrong type, a bad enum value and
  // numbers out of range.
  testing::TempDir tmp;
  auto file = tmp.path() / "bad.toml";
  testing::write_text(file, R"([film]
title = "t"
fps = "24"
seed_policy = "random"
[style]
block = "b"
[negative]
[look]
lightning = "night"
[render]
guidance = 1e9
[[scenes]]
id = "s"
[[scenes.shots]]
id = "a"
action = "x"
duration = -2.0
)");
  EXPECT_THROW(load_film_file(file), Error);
  auto result = validate({file}, tmp.path());
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.out.find("scenes/0/shots/0/duration"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("render/guidance"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("lightning"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("film/fps"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("film/seed_policy"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace shotgen::film
