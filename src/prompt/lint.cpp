#include "prompt/lint.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "prompt/assembler.h"
#include "prompt/backend_caps.h"
#include "core/nearest_name.h"
#include "core/regular_file.h"
#include "film/reference_image.h"
#include "prompt/weighting.h"

namespace shotgen::prompt {

using film::normalize_term;
namespace {

using Words = std::vector<std::string>;
using film::LookField;

// Styles and media a shot-level text must not introduce behind the style block's back.
const std::vector<std::string> kStylePhrases = {
    "photorealistic", "photoreal",    "photorealism", "hyperrealistic", "live action", "3d render",
    "3d animation",   "cgi",          "octane render", "unreal engine", "anime",       "manga",
    "cartoon",        "2d animation", "cel shaded",    "watercolor",    "oil painting", "pixel art",
    "claymation",     "stop motion",  "line art",      "comic book"};

// Words in one look value that cannot both hold.
struct LookConflict {
  LookField field;
  std::vector<std::string> one_of;
  std::vector<std::string> against;
};
const std::vector<LookConflict> kLookConflicts = {
    {LookField::Lighting, {"night"}, {"high key", "golden hour", "daylight", "midday", "noon"}},
    {LookField::Lighting, {"high key"}, {"low key"}},
    {LookField::Palette,
     {"monochrome", "black and white", "grayscale", "greyscale"},
     {"warm", "cool", "teal", "orange", "green", "pastel", "red", "blue", "yellow", "purple", "pink", "vibrant",
      "colorful", "saturated"}},
    {LookField::CameraMove,
     {"static", "locked off"},
     {"pan", "pans", "tilt", "tilts", "push", "pushes", "pull", "pulls", "dolly", "zoom", "zooms", "tracking",
      "handheld", "crane", "orbit"}},
    {LookField::Atmosphere, {"clear"}, {"fog", "rain", "snow", "dust", "haze", "mist", "smoke"}},
};

// Light in the action's prose: words a model reads as the shot's lighting, not as a lamp in the
// story. The bundled model only met "light" in bright-light phrases ("bright even light", "sunset
// light"): "lantern light" in a low-key shot drew a bright frame, "lantern glow" the dark alley
// (docs/ENGINE.md). Lighting values are dark or bright by the words they hold.
const std::vector<std::string> kDarkLighting = {"low key", "night", "chiaroscuro", "moonlight", "moonlit"};
const std::vector<std::string> kBrightLighting = {"high key", "golden hour", "daylight", "midday", "noon", "sunny"};
const std::vector<std::string> kBrightProse = {"light", "bright", "brightly", "sunlight", "sunlit", "sunny",
                                               "daylight", "sunshine"};
const std::vector<std::string> kDarkProse = {"dark", "darkness", "shadow", "shadows", "gloom", "gloomy", "night"};

Words words_of(std::string_view text) { return prompt_words(strip_weighting(text)); }

bool is_negator(const std::string& word) { return word == "not" || word == "no" || word == "without"; }

// True when `phrase` occurs in `text` as a word sequence not directly preceded by a negator.
bool requests(const Words& text, const Words& phrase) {
  if (phrase.empty() || phrase.size() > text.size()) return false;
  for (std::size_t i = 0; i + phrase.size() <= text.size(); ++i) {
    if (!std::equal(phrase.begin(), phrase.end(), text.begin() + static_cast<std::ptrdiff_t>(i))) continue;
    if (i > 0 && is_negator(text[i - 1])) continue;
    return true;
  }
  return false;
}

std::optional<std::string> first_requested(const Words& text, const std::vector<std::string>& phrases) {
  for (const auto& phrase : phrases)
    if (requests(text, words_of(phrase))) return phrase;
  return std::nullopt;
}

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

bool duration_in_range(double seconds) { return seconds > 0 && seconds <= film::kMaxShotSeconds; }

// "2", "0.5", "1e+09": short, exact enough for a message.
std::string seconds_text(double seconds) {
  std::ostringstream out;
  out << seconds;
  return out.str();
}

// Named negative layers in prompt order, for repeats and for saying where a term comes from.
struct NegativeLayer {
  std::string name;
  const std::vector<std::string>* terms;
};
std::vector<NegativeLayer> film_layers(const film::Film& film) {
  return {{"negative.format", &film.negative.format},
          {"negative.anatomy", &film.negative.anatomy},
          {"negative.quality", &film.negative.quality},
          {"negative.extra", &film.negative.extra}};
}

class Linter {
 public:
  Linter(const film::Film& film, const std::filesystem::path& root, const LintOptions& options)
      : film_(film), root_(root), options_(options) {
    if (options_.vocabulary) known_words_.insert(options_.vocabulary->words.begin(), options_.vocabulary->words.end());
  }

  LintReport run() {
    has_style_ = !normalize_term(film_.style.text).empty();
    has_negative_ = false;
    for (const auto& term : film_.negative.all_terms()) has_negative_ = has_negative_ || !normalize_term(term).empty();
    check_film();
    for (const auto& ref : film_.references) check_reference(ref);
    check_look_conflicts(film_.look, "look.", "");
    check_look_words(film_.look, "look.", "");
    for (const auto& scene : film_.scenes) check_scene(scene);
    for (const auto& scene : film_.scenes)
      for (const auto& shot : scene.shots) check_shot(scene, shot);
    return std::move(report_);
  }

 private:
  void add(Severity severity, std::string code, std::string message, std::string where, std::string source,
           std::string fix) {
    report_.add({severity, std::move(code), std::move(message), std::move(where), std::move(source), std::move(fix)});
  }

  void check_film() {
    if (!has_style_)
      add(Severity::Error, "missing-style-block", "the film has no style block, so no shot has a prompt", "style", "",
          "add [style] block = \"...\" describing the look every prompt must open with");
    if (!has_negative_)
      add(Severity::Error, "missing-negative-block", "the film has no negative block, so no shot has a prompt",
          "negative", "", "add [negative] format, anatomy and quality terms");
    if (!duration_in_range(film_.info.default_shot_duration))
      add(Severity::Error, "duration-out-of-range",
          "default_shot_duration is " + seconds_text(film_.info.default_shot_duration) + " seconds",
          "film.default_shot_duration", "", "set a duration greater than 0 and at most " + seconds_text(film::kMaxShotSeconds));
    report_repeats(film_layers(film_), 0, "", "");
    std::vector<std::string> block_terms;
    for (const auto& term : film_.negative.all_terms())
      if (!normalize_term(term).empty()) block_terms.push_back(normalize_term(term));
    std::sort(block_terms.begin(), block_terms.end());
    block_terms.erase(std::unique(block_terms.begin(), block_terms.end()), block_terms.end());
    block_too_long_ = static_cast<int>(block_terms.size()) > options_.max_negative_terms;
    if (block_too_long_)
      add(Severity::Warning, "negative-list-too-long",
          "the negative block has " + std::to_string(block_terms.size()) + " terms, more than " +
              std::to_string(options_.max_negative_terms) + "; long lists dilute each term",
          "negative", "", "keep the negative block short and specific");
  }

  // Reports terms of layers[first_reported..] already listed in an earlier layer (or earlier in
  // the same layer).
  void report_repeats(const std::vector<NegativeLayer>& layers, std::size_t first_reported, const std::string& where,
                      const std::string& source) {
    std::map<std::string, std::string> first_layer;  // normalized term -> layer that listed it first
    for (std::size_t i = 0; i < layers.size(); ++i) {
      for (const auto& term : *layers[i].terms) {
        auto key = normalize_term(term);
        if (key.empty()) continue;
        auto [it, inserted] = first_layer.emplace(key, layers[i].name);
        if (inserted || i < first_reported) continue;
        std::string place = where.empty() ? layers[i].name : where;
        add(Severity::Warning, "negative-term-repeated",
            in_quotes(term) + " in " + layers[i].name + " is already listed in " + it->second, place, source,
            "remove the repeat from " + layers[i].name);
      }
    }
  }

  void check_reference(const film::Reference& ref) {
    auto image = film::resolve_reference_image(root_, film_, ref);
    std::error_code ec;
    if (!image) {
      const Problem& p = image.problem();
      add(Severity::Error, p.code, p.what, "reference " + ref.id, ref.source, p.fix);
    } else if (std::filesystem::exists(image.value(), ec) && !std::filesystem::is_regular_file(image.value(), ec)) {
      add(Severity::Error, "reference-file-missing",
          "reference image " + in_quotes(ref.image) + " is " + describe_file_type(image.value()) +
              ", not an image file (" + image.value().string() + ")",
          "reference " + ref.id, ref.source, "point it at an image file");
    } else if (ref.image.empty() || !std::filesystem::is_regular_file(image.value(), ec)) {
      add(Severity::Error, "reference-file-missing",
          "reference image " + in_quotes(ref.image) + " does not exist (looked for " + image.value().string() + ")",
          "reference " + ref.id, ref.source, "put the image there or fix the image path");
    }
    for (const auto& dim : ref.use)
      if (std::find(ref.ignore.begin(), ref.ignore.end(), dim) != ref.ignore.end())
        add(Severity::Error, "negated-term-requested",
            "reference " + in_quotes(ref.id) + " both uses and ignores " + in_quotes(dim), "reference " + ref.id,
            ref.source, "remove " + in_quotes(dim) + " from either use or ignore");
  }

  // Look words the model has never seen (rule unknown-look-word), once per word and level.
  void check_look_words(const film::Look& look, const std::string& where_prefix, const std::string& source) {
    if (!options_.vocabulary) return;
    for (auto field : film::all_look_fields()) {
      const auto& value = look.get(field);
      if (!value) continue;
      std::set<std::string> reported;
      for (const auto& word : model_words(*value)) {
        if (known_words_.count(word) || !reported.insert(word).second) continue;
        const std::string key(film::look_field_key(field));
        const auto near = nearest_match(word, options_.vocabulary->words);
        std::string fix = !near ? "use words the model knows"
                          : is_plausible_typo(word, *near)
                              ? "did you mean " + in_quotes(near->name) + "?"
                              : "the model reads it as noise; the nearest word it knows is " + in_quotes(near->name);
        add(Severity::Warning, "unknown-look-word",
            key + " " + in_quotes(*value) + ": the model has never seen the word " + in_quotes(word) + " (vocabulary of " +
                options_.vocabulary->model_dir.string() + ")",
            where_prefix + key, source, fix);
      }
    }
  }

  void check_look_conflicts(const film::Look& look, const std::string& where_prefix, const std::string& source) {
    for (const auto& conflict : kLookConflicts) {
      const auto& value = look.get(conflict.field);
      if (!value) continue;
      Words words = words_of(*value);
      auto a = first_requested(words, conflict.one_of);
      auto b = first_requested(words, conflict.against);
      if (!a || !b) continue;
      std::string key(film::look_field_key(conflict.field));
      add(Severity::Warning, "conflicting-look",
          key + " " + in_quotes(*value) + " asks for both " + in_quotes(*a) + " and " + in_quotes(*b),
          where_prefix + key, source, "keep one of " + in_quotes(*a) + " and " + in_quotes(*b));
    }
  }

  std::vector<std::string> negative_keys(const film::Scene* scene, const film::Shot* shot) const {
    std::vector<std::string> keys;
    auto add_terms = [&keys](const std::vector<std::string>& terms) {
      for (const auto& t : terms) keys.push_back(normalize_term(strip_weighting(t)));
    };
    add_terms(film_.negative.all_terms());
    if (scene) add_terms(scene->negative);
    if (shot) add_terms(shot->negative);
    return keys;
  }

  // Style phrases a shot-level text asks for that the style block does not (rule (a)).
  void check_style_words(const std::string& text, const std::string& what, const std::vector<std::string>& negatives,
                         const std::string& where, const std::string& source) {
    Words style_words = words_of(film_.style.text);
    Words words = words_of(text);
    for (const auto& phrase : kStylePhrases) {
      if (!requests(words, words_of(phrase)) || requests(style_words, words_of(phrase))) continue;
      // A style phrase that is also a negative term is the error negated-term-requested.
      if (std::find(negatives.begin(), negatives.end(), normalize_term(phrase)) != negatives.end()) continue;
      add(Severity::Warning, "style-displaced",
          what + " asks for " + in_quotes(phrase) + ", a style the style block does not ask for", where, source,
          "describe the content in " + what + " and leave the style to the style block");
    }
  }

  void check_scene(const film::Scene& scene) {
    std::string where = "scene " + scene.id;
    check_look_conflicts(scene.look, where + " look.", scene.source);
    check_look_words(scene.look, where + " look.", scene.source);
    auto layers = film_layers(film_);
    layers.push_back({"scene " + scene.id + " negative", &scene.negative});
    report_repeats(layers, layers.size() - 1, where, scene.source);
    auto negatives = negative_keys(&scene, nullptr);
    for (auto field : film::all_look_fields())
      if (const auto& value = scene.look.get(field))
        check_style_words(*value, "look." + std::string(film::look_field_key(field)), negatives, where, scene.source);
  }

  void check_shot(const film::Scene& scene, const film::Shot& shot) {
    const std::string where = "shot " + shot.id;
    if (shot.duration && !duration_in_range(*shot.duration))
      add(Severity::Error, "duration-out-of-range", "duration is " + seconds_text(*shot.duration) + " seconds",
          where, shot.source,
          "set a duration greater than 0 and at most " + seconds_text(film::kMaxShotSeconds) +
              ", or remove it to use the film's default");
    bool references_known = true;
    for (const auto& ref_id : shot.references) {
      if (film_.find_reference(ref_id)) continue;
      references_known = false;
      std::vector<std::string> known;
      for (const auto& r : film_.references) known.push_back(r.id);
      add(Severity::Error, "unknown-reference", "uses unknown reference " + in_quotes(ref_id), where, shot.source,
          did_you_mean(ref_id, known, "define it in [[references]]"));
    }
    auto layers = film_layers(film_);
    layers.push_back({"scene " + scene.id + " negative", &scene.negative});
    layers.push_back({"shot " + shot.id + " negative", &shot.negative});
    report_repeats(layers, layers.size() - 1, where, shot.source);
    check_look_conflicts(shot.look, where + " look.", shot.source);
    check_look_words(shot.look, where + " look.", shot.source);

    check_light_in_action(shot, where);
    auto negatives = negative_keys(&scene, &shot);
    check_style_words(shot.action, "the action", negatives, where, shot.source);
    for (auto field : film::all_look_fields())
      if (const auto& value = shot.look.get(field))
        check_style_words(*value, "look." + std::string(film::look_field_key(field)), negatives, where, shot.source);
    int action_words = count_prompt_words(strip_weighting(shot.action));
    int style_words = count_prompt_words(strip_weighting(film_.style.text));
    if (has_style_ && action_words > style_words)
      add(Severity::Warning, "style-displaced",
          "the action has " + std::to_string(action_words) + " words, more than the style block's " +
              std::to_string(style_words) + ", so the style no longer leads the prompt",
          where, shot.source, "shorten the action or give the style block more weight");

    if (has_style_ && has_negative_ && references_known) check_assembled(shot, where);
  }

  // The action names light the shot's lighting contradicts (kBrightProse in a dark shot, kDarkProse
  // in a bright one).
  void check_light_in_action(const film::Shot& shot, const std::string& where) {
    const film::Look look = merged_look(film_, shot);
    const auto& lighting = look.get(LookField::Lighting);
    if (!lighting) return;
    const Words lighting_words = words_of(*lighting);
    const bool dark = first_requested(lighting_words, kDarkLighting).has_value();
    const bool bright = first_requested(lighting_words, kBrightLighting).has_value();
    if (dark == bright) return;  // neither (backlit, overcast) or both (conflicting-look says so)
    const auto word = first_requested(words_of(shot.action), dark ? kBrightProse : kDarkProse);
    if (!word) return;
    add(Severity::Warning, "light-word-in-action",
        "the action says " + in_quotes(*word) + ", which the model reads as " + (dark ? "bright" : "dark") +
            " lighting, against the shot's lighting " + in_quotes(*lighting),
        where, shot.source,
        dark ? "name the source without it (e.g. 'lantern glow' for 'lantern light') and leave the light to look.lighting"
             : "leave the darkness to look.lighting, or change the shot's lighting");
  }

  void check_assembled(const film::Shot& shot, const std::string& where) {
    BackendCaps unlimited;
    unlimited.name = "lint";
    unlimited.max_prompt_words = 0;
    auto prompt = assemble_prompt(film_, shot, unlimited);
    for (const auto& term : prompt.negative_terms()) {
      Words term_words = words_of(term);
      for (const auto& section : prompt.sections()) {
        if (section.kind != SectionKind::Positive || !requests(words_of(section.text), term_words)) continue;
        add(Severity::Error, "negated-term-requested",
            in_quotes(term) + " is in the negative prompt and asked for in " + section.name, where, shot.source,
            "remove " + in_quotes(term) + " from " + section.name + " or from the negatives (write 'not " + term +
                "' to mention it negated)");
        break;
      }
    }
    int terms = static_cast<int>(prompt.negative_terms().size());
    if (!block_too_long_ && terms > options_.max_negative_terms)
      add(Severity::Warning, "negative-list-too-long",
          "the negative prompt has " + std::to_string(terms) + " terms, more than " +
              std::to_string(options_.max_negative_terms) + "; long lists dilute each term",
          where, shot.source, "drop the least important scene, shot or reference negatives");
  }

  const film::Film& film_;
  std::filesystem::path root_;
  LintOptions options_;
  LintReport report_;
  std::set<std::string> known_words_;
  bool has_style_ = false;
  bool has_negative_ = false;
  bool block_too_long_ = false;
};

}  // namespace

std::string_view severity_name(Severity severity) { return severity == Severity::Error ? "error" : "warning"; }

std::string format_finding(const LintFinding& finding) {
  std::string location = finding.source.empty() ? finding.where
                         : finding.where.empty() ? finding.source
                                                 : finding.source + " " + finding.where;
  std::string out = std::string(severity_name(finding.severity)) + ": " + location + ": " + finding.message;
  if (!finding.fix.empty()) out += " (" + finding.fix + ")";
  return out;
}

int LintReport::error_count() const {
  return static_cast<int>(std::count_if(findings_.begin(), findings_.end(),
                                        [](const LintFinding& f) { return f.severity == Severity::Error; }));
}

int LintReport::warning_count() const { return static_cast<int>(findings_.size()) - error_count(); }

int LintReport::exit_code() const {
  if (error_count() > 0) return 2;
  return warning_count() > 0 ? 1 : 0;
}

std::string LintReport::to_text() const {
  std::string out;
  for (const auto& finding : findings_) out += format_finding(finding) + "\n";
  for (const auto& note : notes_) out += "note: " + note + "\n";
  return out;
}

nlohmann::json LintReport::to_json() const {
  auto findings = nlohmann::json::array();
  for (const auto& f : findings_)
    findings.push_back({{"severity", std::string(severity_name(f.severity))},
                        {"code", f.code},
                        {"message", f.message},
                        {"where", f.where},
                        {"source", f.source},
                        {"fix", f.fix}});
  return {{"errors", error_count()},
          {"warnings", warning_count()},
          {"exit_code", exit_code()},
          {"findings", findings},
          {"notes", notes_}};
}

LintReport lint_film(const film::Film& film, const std::filesystem::path& workspace_root, const LintOptions& options) {
  return Linter(film, workspace_root, options).run();
}

}  // namespace shotgen::prompt
