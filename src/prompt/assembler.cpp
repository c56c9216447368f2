#include "prompt/assembler.h"

#include <algorithm>
#include <unordered_set>

#include "core/error.h"
#include "core/hash.h"
#include "core/nearest_name.h"
#include "prompt/weighting.h"

namespace shotgen::prompt {

using film::normalize_term;
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Style and action read as sentences: end them with "." unless they already end a sentence.
std::string as_sentence(const std::string& text) {
  if (text.empty()) return text;
  char last = text.back();
  return (last == '.' || last == '!' || last == '?') ? text : text + ".";
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

// "palette", "palette and lighting", "palette, lighting and texture"; lens_flare -> "lens flare".
std::string dimension_list(const std::vector<std::string>& dims) {
  std::vector<std::string> words;
  for (auto dim : dims) {
    std::replace(dim.begin(), dim.end(), '_', ' ');
    words.push_back(dim);
  }
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? " and " : ", ";
    out += words[i];
  }
  return out;
}

std::string dimension_words(std::string dim) {
  std::replace(dim.begin(), dim.end(), '_', ' ');
  return dim;
}

int words_in(const std::string& text) { return count_prompt_words(strip_weighting(text)); }

std::string shot_where(const film::Shot& shot) { return "shot " + shot.id; }

struct PositiveCandidate {
  std::string name;
  std::string text;
  bool cut = false;
};

struct NegativeCandidate {
  std::string name;
  std::vector<std::string> terms;  // trimmed, non-empty, as written
  bool part_of_block = false;      // the film's negative block: never cut
  bool cut = false;
};

std::vector<std::string> clean_terms(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const auto& term : raw) {
    auto t = trim(term);
    if (!t.empty()) out.push_back(std::move(t));
  }
  return out;
}

std::string compose_positive(const std::string& style, const std::vector<PositiveCandidate>& sections) {
  std::string out = as_sentence(style);
  std::vector<std::string> details;
  for (const auto& s : sections) {
    if (s.cut) continue;
    if (s.name == "action") {
      out += " " + as_sentence(s.text);
    } else {
      details.push_back(s.text);
    }
  }
  if (!details.empty()) out += " " + join(details, ", ");
  return out;
}

// The de-duplicated terms each kept section contributes, in order.
std::vector<std::vector<std::string>> dedup_negative(const std::vector<NegativeCandidate>& sections) {
  std::unordered_set<std::string> seen;
  std::vector<std::vector<std::string>> contributed(sections.size());
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (sections[i].cut) continue;
    for (const auto& term : sections[i].terms)
      if (seen.insert(normalize_term(term)).second) contributed[i].push_back(term);
  }
  return contributed;
}

std::string compose_negative(const std::vector<std::vector<std::string>>& contributed) {
  std::vector<std::string> all;
  for (const auto& terms : contributed) all.insert(all.end(), terms.begin(), terms.end());
  return join(all, ", ");
}

template <class Candidate>
Candidate* find_section(std::vector<Candidate>& sections, std::string_view name) {
  for (auto& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}

// Names of sections that exist, in the order they are cut: `fixed_order` entries, with the
// "<prefix>*" entry expanded to the matching sections, last first.
template <class Candidate>
std::vector<std::string> cut_order(const std::vector<Candidate>& sections, const std::vector<std::string>& fixed_order,
                                   std::string_view reference_prefix) {
  std::vector<std::string> out;
  for (const auto& name : fixed_order) {
    if (name == "*") {
      for (auto it = sections.rbegin(); it != sections.rend(); ++it)
        if (it->name.starts_with(reference_prefix)) out.push_back(it->name);
    } else {
      for (const auto& s : sections)
        if (s.name == name) out.push_back(name);
    }
  }
  return out;
}

}  // namespace

std::string_view section_kind_name(SectionKind kind) {
  return kind == SectionKind::Positive ? "positive" : "negative";
}

film::Look merged_look(const film::Film& film, const film::Shot& shot) {
  film::Look look = film.look;
  if (const auto* scene = film.scene_of(shot.id)) look = look.overridden_by(scene->look);
  return look.overridden_by(shot.look);
}

std::optional<Problem> blocks_exceeding_limit(const film::Film& film, const BackendCaps& caps, const std::string& where) {
  if (caps.max_prompt_words <= 0) return std::nullopt;
  const std::string limit_text = std::to_string(caps.max_prompt_words) + " words of backend '" + caps.name + "'";
  const std::string style = trim(film.style.text);
  if (words_in(as_sentence(style)) > caps.max_prompt_words)
    return Problem{"the style block (" + std::to_string(words_in(style)) + " words) alone exceeds the prompt limit of " +
                       limit_text + "; it is never cut",
                   where, "shorten the style block or route the shot to a backend with a longer prompt limit",
                   ErrorKind::General, "prompt-block-too-long"};
  const std::vector<NegativeCandidate> block = {
      {"negative:format", clean_terms(film.negative.format), true},
      {"negative:anatomy", clean_terms(film.negative.anatomy), true},
      {"negative:quality", clean_terms(film.negative.quality), true},
      {"negative:extra", clean_terms(film.negative.extra), true},
  };
  const int negative_words = words_in(compose_negative(dedup_negative(block)));
  if (negative_words > caps.max_prompt_words)
    return Problem{"the negative block (" + std::to_string(negative_words) + " words) alone exceeds the prompt limit of " +
                       limit_text + "; it is never cut",
                   where, "shorten the negative block or route the shot to a backend with a longer prompt limit",
                   ErrorKind::General, "prompt-block-too-long"};
  return std::nullopt;
}

AssembledPrompt assemble_prompt(const film::Film& film, const film::Shot& shot, const BackendCaps& caps) {
  const std::string style = trim(film.style.text);
  if (style.empty())
    throw Error("the film has no style block, so no prompt can be assembled", shot_where(shot),
                "add [style] block = \"...\" to film.toml");
  if (clean_terms(film.negative.all_terms()).empty())
    throw Error("the film has no negative block, so no prompt can be assembled", shot_where(shot),
                "add terms to [negative] format, anatomy or quality in film.toml");
  const bool limited = caps.max_prompt_words > 0;
  const film::Scene* scene = film.scene_of(shot.id);

  // ---- candidates, in prompt order
  std::vector<PositiveCandidate> positive;
  if (auto action = trim(shot.action); !action.empty()) positive.push_back({"action", action});
  film::Look look = merged_look(film, shot);
  for (auto field : film::all_look_fields()) {
    if (!look.get(field)) continue;
    if (auto value = trim(*look.get(field)); !value.empty())
      positive.push_back({std::string(film::look_field_key(field)), value});
  }
  std::vector<NegativeCandidate> negative = {
      {"negative:format", clean_terms(film.negative.format), true},
      {"negative:anatomy", clean_terms(film.negative.anatomy), true},
      {"negative:quality", clean_terms(film.negative.quality), true},
      {"negative:extra", clean_terms(film.negative.extra), true},
  };
  if (scene) negative.push_back({"negative:scene", clean_terms(scene->negative)});
  negative.push_back({"negative:shot", clean_terms(shot.negative)});
  for (const auto& ref_id : shot.references) {
    const film::Reference* ref = film.find_reference(ref_id);
    if (!ref) {
      std::vector<std::string> known;
      for (const auto& r : film.references) known.push_back(r.id);
      throw Error("unknown reference '" + ref_id + "'", shot_where(shot),
                  did_you_mean(ref_id, known, "add it to [[references]] in film.toml"));
    }
    const std::string id = escape_weighting(ref->id);
    if (!ref->use.empty()) {
      std::string clause = dimension_list(ref->use) + " from reference " + id;
      if (auto description = trim(ref->description); !description.empty()) clause += ", " + description;
      positive.push_back({"reference:" + ref->id, clause});
    }
    std::vector<std::string> ignored;
    for (const auto& dim : ref->ignore) ignored.push_back(dimension_words(dim) + " of reference " + id);
    negative.push_back({"negative:reference:" + ref->id, ignored});
  }
  std::erase_if(negative, [](const NegativeCandidate& c) { return c.terms.empty(); });

  AssembledPrompt out;
  out.shot_id_ = shot.id;
  out.backend_ = caps.name;
  out.style_text_ = style;
  out.max_prompt_words_ = caps.max_prompt_words;

  // ---- the blocks are never cut: they must fit alone
  if (auto too_long = blocks_exceeding_limit(film, caps, shot_where(shot))) throw Error(std::move(*too_long));

  // ---- fit the positive prompt
  static const std::vector<std::string> kPositiveCutOrder = {
      "attribution", "mood",         "atmosphere", "*",        "composition", "lens",
      "camera_angle", "shot_size",   "camera_move", "lighting", "palette",     "action"};
  for (const auto& name : cut_order(positive, kPositiveCutOrder, "reference:")) {
    if (!limited || words_in(compose_positive(style, positive)) <= caps.max_prompt_words) break;
    find_section(positive, name)->cut = true;
    out.cut_sections_.push_back(name);
  }

  // ---- fit the negative prompt
  static const std::vector<std::string> kNegativeCutOrder = {"*", "negative:scene", "negative:shot"};
  for (const auto& name : cut_order(negative, kNegativeCutOrder, "negative:reference:")) {
    if (!limited || words_in(compose_negative(dedup_negative(negative))) <= caps.max_prompt_words) break;
    find_section(negative, name)->cut = true;
    out.cut_sections_.push_back(name);
  }

  // ---- results
  out.positive_ = compose_positive(style, positive);
  auto contributed = dedup_negative(negative);
  out.negative_ = compose_negative(contributed);
  out.positive_words_ = words_in(out.positive_);
  out.negative_words_ = words_in(out.negative_);
  out.sections_.push_back({"style", style, SectionKind::Positive, false});
  for (const auto& s : positive) out.sections_.push_back({s.name, s.text, SectionKind::Positive, s.cut});
  for (std::size_t i = 0; i < negative.size(); ++i) {
    const auto& s = negative[i];
    if (s.cut) {
      out.sections_.push_back({s.name, join(s.terms, ", "), SectionKind::Negative, true});
    } else if (!contributed[i].empty()) {
      out.sections_.push_back({s.name, join(contributed[i], ", "), SectionKind::Negative, false});
      out.negative_terms_.insert(out.negative_terms_.end(), contributed[i].begin(), contributed[i].end());
    }
  }
  return out;
}

std::string generation_hash(const AssembledPrompt& prompt, std::string_view backend, std::string_view params_json,
                            std::uint64_t seed) {
  return generation_hash(prompt.positive(), prompt.negative(), backend, params_json, seed, "shot " + prompt.shot_id());
}

std::string generation_hash(std::string_view positive, std::string_view negative, std::string_view backend,
                            std::string_view params_json, std::uint64_t seed, std::string_view where) {
  nlohmann::json params;
  try {
    params = nlohmann::json::parse(params_json);
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for a number too large
    throw Error("generation parameters are not valid JSON: " + std::string(e.what()), std::string(where),
                "pass a JSON object such as {\"steps\":24}");
  }
  // nlohmann::json objects keep keys sorted, so dump() is canonical for equal content.
  nlohmann::json canonical = {{"v", 1},
                              {"positive", positive},
                              {"negative", negative},
                              {"backend", backend},
                              {"params", params},
                              {"seed", seed}};
  return sha256_hex(canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

nlohmann::json to_json(const AssembledPrompt& prompt) {
  auto sections = nlohmann::json::array();
  for (const auto& s : prompt.sections())
    sections.push_back(
        {{"name", s.name}, {"text", s.text}, {"kind", std::string(section_kind_name(s.kind))}, {"cut", s.cut}});
  return {{"shot", prompt.shot_id()},
          {"backend", prompt.backend()},
          {"positive", prompt.positive()},
          {"negative", prompt.negative()},
          {"style_text", prompt.style_text()},
          {"negative_terms", prompt.negative_terms()},
          {"sections", sections},
          {"cut_sections", prompt.cut_sections()},
          {"positive_words", prompt.positive_words()},
          {"negative_words", prompt.negative_words()},
          {"max_prompt_words", prompt.max_prompt_words()}};
}

}  // namespace shotgen::prompt
