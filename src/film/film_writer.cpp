#include "film/film_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <limits>
#include <sstream>
#include <utility>
#include <vector>

#include "core/error.h"

namespace shotgen::film {
namespace {

// Shortest text that reads back as exactly the same double, always recognizable as a TOML float.
std::string float_text(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, end);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string seed_text(std::uint64_t seed, std::string_view where) {
  // TOML integers are signed 64-bit; the loader accepts 0 .. INT64_MAX.
  if (seed > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    throw Error("seed " + std::to_string(seed) + " does not fit in a TOML integer", std::string(where),
                "use a seed from 0 to 9223372036854775807");
  return std::to_string(seed);
}

std::string size_text(const Resolution& r) { return toml_quoted(std::to_string(r.width) + "x" + std::to_string(r.height)); }

std::string list_text(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + toml_quoted(items[i]);
  return out + "]";
}

std::string inline_look(const Look& look) {
  std::string out;
  for (LookField field : all_look_fields())
    if (const auto& value = look.get(field))
      out += (out.empty() ? "{ " : ", ") + std::string(look_field_key(field)) + " = " + toml_quoted(*value);
  return out + " }";
}

// Each set key of a finish table as `key = value`, in the order of schemas/film.schema.json.
std::vector<std::pair<std::string, std::string>> finish_lines(const FinishSettings& finish) {
  std::vector<std::pair<std::string, std::string>> lines;
  if (finish.passes) {
    std::vector<std::string> names;
    for (FinishPass pass : *finish.passes) names.emplace_back(finish_pass_name(pass));
    lines.emplace_back("passes", list_text(names));
  }
  if (finish.deflicker) lines.emplace_back("deflicker", float_text(*finish.deflicker));
  if (finish.reframe_zoom) lines.emplace_back("reframe_zoom", float_text(*finish.reframe_zoom));
  if (finish.upscale) lines.emplace_back("upscale", toml_quoted(upscale_kernel_name(*finish.upscale)));
  if (finish.fit) lines.emplace_back("fit", toml_quoted(frame_fit_name(*finish.fit)));
  if (finish.lut) lines.emplace_back("lut", toml_quoted(*finish.lut));
  if (finish.lut_interpolation)
    lines.emplace_back("lut_interpolation", toml_quoted(lut_interpolation_name(*finish.lut_interpolation)));
  if (finish.lut_strength) lines.emplace_back("lut_strength", float_text(*finish.lut_strength));
  if (finish.palette_lock) lines.emplace_back("palette_lock", float_text(*finish.palette_lock));
  if (finish.grain) lines.emplace_back("grain", float_text(*finish.grain));
  if (finish.grain_size) lines.emplace_back("grain_size", float_text(*finish.grain_size));
  if (finish.aspect) lines.emplace_back("aspect", float_text(*finish.aspect));
  return lines;
}

std::string inline_finish(const FinishSettings& finish) {
  std::string out;
  for (const auto& [key, value] : finish_lines(finish)) out += (out.empty() ? "{ " : ", ") + key + " = " + value;
  return out + " }";
}

class TomlOut {
 public:
  void header(std::string_view name) { text_ << "\n[" << name << "]\n"; }
  void array_header(std::string_view name) { text_ << "\n[[" << name << "]]\n"; }
  void line(std::string_view key, std::string_view value) { text_ << key << " = " << value << "\n"; }
  void comment(std::string_view text) { text_ << "# " << text << "\n"; }
  std::string str() const { return text_.str(); }

 private:
  std::ostringstream text_;
};

}  // namespace

std::string toml_quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string write_film_toml(const Film& film) {
  TomlOut out;
  out.comment("film.toml: the film as shotgen sees it. Format documented in schemas/film.schema.json.");
  out.line("format_version", std::to_string(film.format_version));

  out.header("film");
  out.line("title", toml_quoted(film.info.title));
  out.line("fps", float_text(film.info.fps));
  out.line("resolution", size_text(film.info.resolution));
  out.line("default_shot_duration", float_text(film.info.default_shot_duration));
  out.line("seed_policy", toml_quoted(seed_policy_name(film.info.seed_policy)));
  out.line("seed", seed_text(film.info.base_seed, "film.seed"));
  if (!film.info.reference_library.empty()) out.line("reference_library", toml_quoted(film.info.reference_library));

  out.header("style");
  out.line("block", toml_quoted(film.style.text));

  out.header("negative");
  out.line("format", list_text(film.negative.format));
  out.line("anatomy", list_text(film.negative.anatomy));
  out.line("quality", list_text(film.negative.quality));
  if (!film.negative.extra.empty()) out.line("extra", list_text(film.negative.extra));

  if (!film.look.empty()) {
    out.header("look");
    for (LookField field : all_look_fields())
      if (const auto& value = film.look.get(field)) out.line(look_field_key(field), toml_quoted(*value));
  }

  if (!film.finish.empty()) {
    out.header("finish");
    for (const auto& [key, value] : finish_lines(film.finish)) out.line(key, value);
  }

  out.header("render");
  out.line("size", size_text(film.render.size));
  if (film.render.steps) out.line("steps", std::to_string(*film.render.steps));
  if (film.render.guidance) out.line("guidance", float_text(*film.render.guidance));
  if (film.render.negative_scale) out.line("negative_scale", float_text(*film.render.negative_scale));
  if (film.render.layout_guide > 0) out.line("layout_guide", float_text(film.render.layout_guide));

  out.header("routing");
  out.line("fallback", list_text(film.routing.fallback));
  for (const auto& rule : film.routing.rules) {
    out.array_header("routing.rules");
    if (rule.tag) out.line("tag", toml_quoted(*rule.tag));
    if (rule.scene) out.line("scene", toml_quoted(*rule.scene));
    if (rule.shot) out.line("shot", toml_quoted(*rule.shot));
    if (rule.mode) out.line("mode", toml_quoted(*rule.mode));
    out.line("backends", list_text(rule.backends));
  }

  for (const auto& ref : film.references) {
    out.array_header("references");
    out.line("id", toml_quoted(ref.id));
    out.line("image", toml_quoted(ref.image));
    if (!ref.use.empty()) out.line("use", list_text(ref.use));
    if (!ref.ignore.empty()) out.line("ignore", list_text(ref.ignore));
    if (!ref.description.empty()) out.line("description", toml_quoted(ref.description));
  }

  const Shot default_shot;
  for (const auto& scene : film.scenes) {
    out.array_header("scenes");
    out.line("id", toml_quoted(scene.id));
    if (!scene.title.empty()) out.line("title", toml_quoted(scene.title));
    if (!scene.look.empty()) out.line("look", inline_look(scene.look));
    if (!scene.finish.empty()) out.line("finish", inline_finish(scene.finish));
    if (!scene.negative.empty()) out.line("negative", list_text(scene.negative));
    for (const auto& shot : scene.shots) {
      out.array_header("scenes.shots");
      out.line("id", toml_quoted(shot.id));
      out.line("action", toml_quoted(shot.action));
      if (shot.duration) out.line("duration", float_text(*shot.duration));
      if (!shot.look.empty()) out.line("look", inline_look(shot.look));
      if (!shot.finish.empty()) out.line("finish", inline_finish(shot.finish));
      if (!shot.negative.empty()) out.line("negative", list_text(shot.negative));
      if (!shot.references.empty()) out.line("references", list_text(shot.references));
      if (!shot.tags.empty()) out.line("tags", list_text(shot.tags));
      if (!shot.route.empty()) out.line("route", toml_quoted(shot.route));
      if (shot.seed) out.line("seed", seed_text(*shot.seed, "shot '" + shot.id + "'"));
      if (shot.takes != default_shot.takes) out.line("takes", std::to_string(shot.takes));
      if (shot.transition != default_shot.transition)
        out.line("transition", toml_quoted(transition_name(shot.transition)));
      if (shot.transition_seconds != default_shot.transition_seconds)
        out.line("transition_seconds", float_text(shot.transition_seconds));
    }
  }
  return out.str();
}

}  // namespace shotgen::film
