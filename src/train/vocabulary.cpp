#include "train/vocabulary.h"

#include <algorithm>
#include <set>

#include "engine/text/tokenizer.h"
#include "film/film_loader.h"
#include "world/attributes.h"
#include "world/captions.h"
#include "world/rng.h"

namespace shotgen::train {
namespace {

// Every text a world caption is made of: each value's phrasings, the reference dimensions' words and
// the caption generator's own phrases (actions, mood decorations, negated styles), drawn at random:
// 4096 captions give each of them hundreds of chances to appear.
std::vector<std::string> caption_texts() {
  std::vector<std::string> texts;
  auto add_phrasings = [&](const auto& values) {
    for (auto value : values)
      for (std::string_view phrase : world::phrasings(value)) texts.emplace_back(phrase);
  };
  add_phrasings(world::kStyles);
  add_phrasings(world::kCameraMoves);
  add_phrasings(world::kLenses);
  add_phrasings(world::kCompositions);
  add_phrasings(world::kLightings);
  add_phrasings(world::kPalettes);
  add_phrasings(world::kAtmospheres);
  add_phrasings(world::kCharacters);
  add_phrasings(world::kMoods);
  for (world::ReferenceDimension d : world::kReferenceDimensions) texts.emplace_back(world::word(d));
  world::Rng rng(0x70CAB);
  for (int i = 0; i < 4096; ++i) {
    world::ClipAttributes attributes = world::sample_attributes(rng);
    for (const world::CaptionPart& part : world::caption_parts(attributes, rng)) texts.push_back(part.text);
  }
  return texts;
}

void add_words(std::string_view text, std::set<std::string>& words) {
  for (std::string& w : engine::split_words(text)) words.insert(std::move(w));
}

}  // namespace

std::vector<std::string> caption_vocabulary() {
  std::set<std::string> words;
  for (const std::string& text : caption_texts()) add_words(text, words);
  return {words.begin(), words.end()};
}

std::vector<std::string> caption_compound_words() {
  std::set<std::string> compounds;
  for (const std::string& text : caption_texts())
    for (std::string& word : engine::split_hyphenated_words(text))
      if (word.find('-') != std::string::npos) compounds.insert(std::move(word));
  return {compounds.begin(), compounds.end()};
}

std::vector<std::string> example_prompt_texts(const std::filesystem::path& projects_dir) {
  std::vector<std::filesystem::path> films;
  if (std::filesystem::is_directory(projects_dir))
    for (const auto& entry : std::filesystem::directory_iterator(projects_dir))
      if (std::filesystem::exists(entry.path() / "film.toml")) films.push_back(entry.path() / "film.toml");
  std::sort(films.begin(), films.end());
  std::vector<std::string> texts;
  auto add_look = [&](const film::Look& look) {
    for (const auto& value : look.values)
      if (value) texts.push_back(*value);
  };
  for (const auto& path : films) {
    film::Film film;
    try {
      film = film::load_film_file(path);
    } catch (const std::exception&) {
      continue;
    }
    texts.push_back(film.style.text);
    for (const std::string& term : film.negative.all_terms()) texts.push_back(term);
    add_look(film.look);
    for (const film::Reference& reference : film.references) texts.push_back(reference.description);
    for (const film::Scene& scene : film.scenes) {
      add_look(scene.look);
      for (const std::string& term : scene.negative) texts.push_back(term);
      for (const film::Shot& shot : scene.shots) {
        texts.push_back(shot.action);
        add_look(shot.look);
        for (const std::string& term : shot.negative) texts.push_back(term);
      }
    }
  }
  return texts;
}

std::vector<std::string> training_vocabulary(const std::vector<std::string>& extra_texts) {
  std::vector<std::string> base = caption_vocabulary();
  std::set<std::string> words(base.begin(), base.end());
  for (const std::string& text : extra_texts) add_words(text, words);
  return {words.begin(), words.end()};
}

}  // namespace shotgen::train
