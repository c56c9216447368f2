#pragma once
// Reads film.toml into a Film, strictly: an unknown key, a wrong type, a missing required key, a
// value out of range or an invalid value is a Problem naming "file:line:column", the key path
// (e.g. "scenes[1].shots[0].look.lightning") and how to fix it (for an unknown key or value, the
// nearest valid one). The loader reports every problem of a file in one pass (check_film_*);
// load_film_* throw the first. The format is documented in schemas/film.schema.json;
// accepted_keys() is the list the loader checks against, and a test keeps the two in agreement
// (keys, kinds, required keys, ranges and enums).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "film/film.h"

namespace shotgen::film {

// The TOML value kinds the format uses. Number accepts integers and floats.
enum class ValueKind { String, Integer, Number, StringArray, Table, TableArray };
std::string_view value_kind_name(ValueKind kind);  // "string", "integer", "number", ...

// What values a key accepts beyond its kind, as the schema states them (minimum or
// exclusiveMinimum, maximum, enum). Numbers must also be finite.
struct ValueRule {
  std::optional<double> minimum;     // inclusive, or exclusive when exclusive_minimum
  bool exclusive_minimum = false;
  std::optional<double> maximum;     // inclusive
  std::vector<std::string> one_of;   // a string (or every string of an array) must be one of these
  std::string noun;                  // what a one_of value is called in messages: "seed policy"
  std::string example;               // a valid line for fixes: "fps = 24"
};

// One key the loader accepts. `table` names where the key may appear: "" is the top level,
// "film" the [film] table, "scenes[]" every element of the scenes array, "scenes[].shots[].look"
// the look table of every shot.
struct KeySpec {
  std::string table;
  std::string key;
  ValueKind kind;
  bool required = false;
  ValueRule rule;
};
const std::vector<KeySpec>& accepted_keys();

// A read film.toml: the film, or every problem found, in file order (the film is set exactly when
// there are no problems). Problem::code is one of: malformed-toml, unreadable-file,
// unknown-key, wrong-type, missing-key, out-of-range, unknown-value, invalid-value, invalid-id,
// duplicate-id, newer-format.
struct FilmCheck {
  std::optional<Film> film;
  std::vector<Problem> problems;
};
FilmCheck check_film_file(const std::filesystem::path& toml_path);
FilmCheck check_film_string(std::string_view toml_text, std::string_view source_name);

// Loads a film.toml file; errors name the file as given. Throws the first problem (its fix says
// how many more there are).
Film load_film_file(const std::filesystem::path& toml_path);

// Loads TOML text; `source_name` stands for the file in error locations and `source` fields.
Film load_film_string(std::string_view toml_text, std::string_view source_name);

}  // namespace shotgen::film
