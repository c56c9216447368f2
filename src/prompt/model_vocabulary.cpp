#include "prompt/model_vocabulary.h"

#include <nlohmann/json.hpp>

#include <sstream>

#include "core/atomic_file.h"
#include "core/path_within.h"
#include "prompt/weighting.h"

namespace shotgen::prompt {
namespace fs = std::filesystem;

namespace {

Problem vocabulary_problem(std::string what, const fs::path& where, std::string fix) {
  return {std::move(what), where.string(), std::move(fix), ErrorKind::General, "model-vocabulary"};
}

}  // namespace

Outcome<ModelVocabulary> read_model_vocabulary(const fs::path& model_dir) {
  std::error_code ec;
  const fs::path config_path = model_dir / "config.json";
  if (!fs::is_regular_file(config_path, ec))
    return vocabulary_problem("no model in " + model_dir.string() + " (config.json not found)", model_dir,
                              "pass --model DIR with a model folder, or set SHOTGEN_MODEL_DIR");
  std::string vocab_name = "vocab.txt";
  try {
    const auto config = nlohmann::json::parse(read_file(config_path));
    if (const auto it = config.find("vocab_file"); it != config.end()) vocab_name = it->get<std::string>();
  } catch (const std::exception& e) {
    return vocabulary_problem("cannot read the model's config.json: " + std::string(e.what()), config_path,
                              "check the model folder");
  }
  const fs::path vocab_path = model_dir / vocab_name;
  // The model folder is the boundary: its config may not make shotgen read any other file.
  if (!is_within(vocab_path, model_dir))
    return vocabulary_problem("vocab_file '" + vocab_name + "' leads outside the model folder", config_path,
                              "keep the word list inside the model folder");
  if (!fs::is_regular_file(vocab_path, ec))
    return vocabulary_problem("the model's word list " + vocab_path.string() + " does not exist", config_path,
                              "check the model folder");
  ModelVocabulary vocabulary{model_dir, {}};
  std::string text;
  try {
    text = read_file(vocab_path);
  } catch (const Error& e) {
    return vocabulary_problem(e.problem().what, vocab_path, e.problem().fix);
  }
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) vocabulary.words.push_back(std::move(line));
  }
  return vocabulary;
}

std::vector<std::string> model_words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (unsigned char c : strip_weighting(text)) {
    const bool letter_or_digit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (letter_or_digit) {
      current.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

}  // namespace shotgen::prompt
