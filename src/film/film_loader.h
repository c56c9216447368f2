#pragma once
// Reads film.toml into a Film, strictly: an unknown key, a wrong type, a missing required key or
// an invalid value throws shotgen::Error naming "file:line:column", the key path
// (e.g. "scenes[1].shots[0].look.lightning") and, for an unknown key, the nearest valid one.
// The format is documented in schemas/film.schema.json; accepted_keys() is the list the loader
// checks against, and a test keeps the two in agreement.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "film/film.h"

namespace shotgen::film {

// The TOML value kinds the format uses. Number accepts integers and floats.
enum class ValueKind { String, Integer, Number, StringArray, Table, TableArray };
std::string_view value_kind_name(ValueKind kind);  // "string", "integer", "number", ...

// One key the loader accepts. `table` names where the key may appear: "" is the top level,
// "film" the [film] table, "scenes[]" every element of the scenes array, "scenes[].shots[].look"
// the look table of every shot.
struct KeySpec {
  std::string table;
  std::string key;
  ValueKind kind;
  bool required;
};
const std::vector<KeySpec>& accepted_keys();

// Loads a film.toml file; errors name the file as given.
Film load_film_file(const std::filesystem::path& toml_path);

// Loads TOML text; `source_name` stands for the file in error locations and `source` fields.
Film load_film_string(std::string_view toml_text, std::string_view source_name);

}  // namespace shotgen::film
