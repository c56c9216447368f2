#include "render/generation_parameters.h"

#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/number_text.h"
#include "render/backend.h"

namespace shotgen::render {
namespace {

// A1111's quoting of infotext values: plain unless it would break the "k: v, k: v" line.
std::string quoted(const std::string& value) {
  if (value.find_first_of(",:\n") == std::string::npos) return value;
  return nlohmann::json(value).dump();
}

std::string sampler_name(std::string sampler) {
  if (!sampler.empty() && sampler[0] >= 'a' && sampler[0] <= 'z') sampler[0] = static_cast<char>(sampler[0] - 32);
  return sampler;
}

}  // namespace

std::string a1111_parameters(const db::TakeRecord& take) {
  const RenderParams params = RenderParams::from_json(take.params_json);
  const auto at = params.model.rfind('@');
  const std::string model_name = at == std::string::npos ? params.model : params.model.substr(0, at);
  const std::string model_hash = at == std::string::npos ? "" : params.model.substr(at + 1);

  std::vector<std::pair<std::string, std::string>> fields = {
      {"Steps", std::to_string(params.steps)},
      {"Sampler", sampler_name(params.sampler)},
      {"CFG scale", shortest_decimal(params.guidance)},
      {"Seed", std::to_string(take.seed)},
      {"Size", std::to_string(params.width) + "x" + std::to_string(params.height)},
      {"Model hash", model_hash},
      {"Model", model_name},
      {"Backend", take.backend},
      {"Frames", std::to_string(params.frames)},
      {"Shift", shortest_decimal(params.shift)},
  };
  if (params.negative_scale) fields.emplace_back("Negative scale", shortest_decimal(*params.negative_scale));
  if (params.layout_guide > 0) fields.emplace_back("Layout guide", shortest_decimal(params.layout_guide));
  if (params.frame_noise_correlation != 0.0)
    fields.emplace_back("Frame noise correlation", shortest_decimal(params.frame_noise_correlation));
  if (params.noise_follows_camera) fields.emplace_back("Noise follows camera", "yes");
  fields.emplace_back("Shot", take.shot_id);
  if (take.take_number > 0) fields.emplace_back("Take", std::to_string(take.take_number));

  std::string line;
  for (const auto& [key, value] : fields) {
    if (value.empty()) continue;
    line += (line.empty() ? "" : ", ") + key + ": " + quoted(value);
  }
  std::string text = take.positive + "\n";
  if (!take.negative.empty()) text += "Negative prompt: " + take.negative + "\n";
  return text + line;
}

}  // namespace shotgen::render
