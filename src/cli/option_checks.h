#pragma once
// Range checks for numeric command-line options, run by CLI11 before the text is converted, so
// that "-1" never wraps to 2^64 - 1 and "0" or a 30-digit number gets a one-line message with
// the accepted range instead of a conversion error.
#include <CLI/CLI.hpp>

#include <cstdint>

namespace shotgen::cli {

// A whole number from `lowest` to `highest`: "must be a whole number from 1 to 1000, got 0".
CLI::Validator whole_number_in(std::int64_t lowest, std::int64_t highest);

// A seed: a whole number from 0 to 2^63 - 1, the range film.toml (TOML integers) can hold.
CLI::Validator seed_number();

// A number greater than `above` and at most `highest`: "must be greater than 0 and at most 240".
CLI::Validator number_above(double above, double highest);

// A number from `lowest` to `highest`: "must be a number from 0 to 1, got '2'".
CLI::Validator number_in(double lowest, double highest);

}  // namespace shotgen::cli
