#pragma once
// Turns a Film back into film.toml text (used by `shotgen export`). Keys come in a fixed order,
// the one of schemas/film.schema.json, and values equal to their defaults are left out of shots,
// so an exported file reads like a hand-written one. load_film_string(write_film_toml(f)) == f.
#include <string>
#include <string_view>

#include "film/film.h"

namespace shotgen::film {

std::string write_film_toml(const Film& film);

// A TOML basic string literal: quoted, with quotes, backslashes and control characters escaped.
std::string toml_quoted(std::string_view text);

}  // namespace shotgen::film
