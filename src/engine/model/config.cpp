#include "engine/model/config.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <set>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/path_within.h"
#include "engine/text/tokenizer.h"

namespace shotgen::engine {
namespace {

using nlohmann::json;

const std::set<std::string>& config_keys() {
  static const std::set<std::string> keys{
      "architecture", "patch_size",    "width",          "depth",
      "heads",        "mlp_ratio",     "text_width",     "text_depth",
      "text_heads",   "max_tokens",    "vocab_file",     "hash_buckets",
      "window_frames", "overlap_frames", "trained_sizes", "reference_groups",
      "reference_tokens_per_group", "max_references", "mlp_depthwise_kernel", "latent_channels",
      "latent_factor", "autoencoder_width", "sampling_shift", "frame_noise_correlation", "noise_follows_camera",
      "camera_noise_subcells",
      "pooled_words", "compound_words", "training"};
  return keys;
}

template <class T>
void read_key(const json& object, const char* key, T& out, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) return;  // every key has a default
  // A count must be a whole number that fits: JSON's 1e12 or 2.5 would otherwise be truncated or
  // overflow on the way into an int.
  if constexpr (std::is_same_v<T, int>) {
    if (it->is_number() && (!it->is_number_integer() || it->template get<std::int64_t>() < std::numeric_limits<int>::min() ||
        it->template get<std::int64_t>() > std::numeric_limits<int>::max()))
      throw Error(std::string("key '") + key + "' must be a whole number, got " + it->dump(), where,
                  "see docs/ENGINE.md for the config.json format");
  }
  try {
    out = it->template get<T>();
  } catch (const json::exception&) {
    throw Error(std::string("key '") + key + "' has the wrong type (" + it->type_name() + ")", where,
                "see docs/ENGINE.md for the config.json format");
  }
}

// Model files are read whole: a FIFO or a device would block or never end, a huge file would
// exhaust memory.
void require_small_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes) {
  if (!std::filesystem::is_regular_file(path))
    throw Error("not a regular file", path.string(), "the model directory must hold plain files");
  if (std::filesystem::file_size(path) > max_bytes)
    throw Error("file is larger than " + std::to_string(max_bytes >> 20) + " MB", path.string(),
                "this is not a shotgen model file; check the model directory");
}

// A word of the vocabulary file, shortened for an error message.
std::string quoted_word(const std::string& line) {
  constexpr std::size_t kShown = 32;
  return "'" + (line.size() > kShown ? line.substr(0, kShown) + "…" : line) + "'";
}

void require(bool ok, const std::string& what, const std::string& where) {
  if (!ok) throw Error(what, where, "fix the model's config.json");
}

}  // namespace

const std::vector<std::string>& known_reference_groups() {
  static const std::vector<std::string> groups{"palette", "lighting", "texture", "composition"};
  return groups;
}

void ModelConfig::validate(const std::string& where) const {
  require(latent_channels >= 0 && latent_channels <= 64, "latent_channels must be in [0, 64] (0 = pixel space)", where);
  require(latent_factor == 4 || latent_factor == 8, "latent_factor must be 4 or 8", where);
  require(autoencoder_width >= 8 && autoencoder_width <= 512 && autoencoder_width % 8 == 0,
          "autoencoder_width must be a multiple of 8 in [8, 512]", where);
  require(patch_size >= 1 && 16 % pixels_per_patch() == 0,
          is_latent() ? "latent_factor × patch_size must divide 16" : "patch_size must divide 16", where);
  require(width >= 8 && heads >= 1 && width % heads == 0 && (width / heads) % 2 == 0,
          "width must be a positive multiple of heads with an even head size", where);
  require(width % 4 == 0, "width must be a multiple of 4 (2D sinusoidal positions)", where);
  require(depth >= 1, "depth must be at least 1", where);
  require(mlp_ratio > 0.0, "mlp_ratio must be positive", where);
  require(mlp_depthwise_kernel == 0 || (mlp_depthwise_kernel % 2 == 1 && mlp_depthwise_kernel <= 7),
          "mlp_depthwise_kernel must be 0 (none) or an odd size up to 7", where);
  require(text_width >= 8 && text_heads >= 1 && text_width % text_heads == 0,
          "text_width must be a positive multiple of text_heads", where);
  require(text_depth >= 0, "text_depth must not be negative", where);
  require(max_tokens >= 2, "max_tokens must be at least 2 (start token + one word)", where);
  require(hash_buckets >= 1 && hash_buckets <= (1 << 20), "hash_buckets must be in [1, 1048576]", where);
  require(width <= 4096 && depth <= 64 && text_width <= 4096 && text_depth <= 64 && max_tokens <= 1024 &&
              window_frames <= 256 && max_references <= 16 && reference_tokens_per_group <= 64,
          "the model is larger than shotgen loads (width, text_width ≤ 4096; depth, text_depth ≤ 64; max_tokens ≤ "
          "1024; window_frames ≤ 256; max_references ≤ 16; reference_tokens_per_group ≤ 64)",
          where);
  require(window_frames >= 1, "window_frames must be at least 1", where);
  require(sampling_shift > 0.0 && sampling_shift <= 100.0, "sampling_shift must be in (0, 100]", where);
  require(frame_noise_correlation >= 0.0 && frame_noise_correlation < 1.0,
          "frame_noise_correlation must be in [0, 1)", where);
  require(!noise_follows_camera || frame_noise_correlation > 0.0,
          "noise_follows_camera needs a frame_noise_correlation above 0 (it moves the noise the frames share)", where);
  require(camera_noise_subcells >= 1 && camera_noise_subcells <= 8, "camera_noise_subcells must be in [1, 8]", where);
  require(camera_noise_subcells == 1 || noise_follows_camera,
          "camera_noise_subcells above 1 needs noise_follows_camera (it says how finely that noise moves)", where);
  require(compound_words.size() <= 4096, "compound_words must hold at most 4096 words", where);
  std::set<std::string> compounds;
  for (const std::string& word : compound_words) {
    const std::vector<std::string> parts = split_words(word);
    std::string joined;
    for (const std::string& part : parts) joined += (joined.empty() ? "" : "-") + part;
    require(parts.size() >= 2 && joined == word,
            "compound_words entry " + quoted_word(word) + " is not lower-case words joined by single hyphens", where);
    require(compounds.insert(word).second, "compound_words entry " + quoted_word(word) + " appears twice", where);
  }
  require(overlap_frames >= 0 && overlap_frames < window_frames,
          "overlap_frames must be in [0, window_frames)", where);
  for (const FrameSize& size : trained_sizes)
    require(size.width > 0 && size.height > 0 && size.width % 16 == 0 && size.height % 16 == 0,
            "trained_sizes entries must be positive multiples of 16", where);
  require(!reference_groups.empty() || max_references == 0,
          "reference_groups must not be empty when max_references > 0", where);
  std::set<std::string> seen;
  for (const std::string& group : reference_groups) {
    const auto& known = known_reference_groups();
    require(std::find(known.begin(), known.end(), group) != known.end(),
            "unknown reference group '" + group + "' (known: palette, lighting, texture, composition)",
            where);
    require(seen.insert(group).second, "reference group '" + group + "' is listed twice", where);
  }
  require(reference_tokens_per_group >= 1, "reference_tokens_per_group must be at least 1", where);
  require(max_references >= 0, "max_references must not be negative", where);
}

ModelConfig load_model_config(const std::filesystem::path& model_dir) {
  const std::filesystem::path config_path = model_dir / "config.json";
  const std::string where = config_path.string();
  if (!std::filesystem::exists(config_path))
    throw Error("model config not found", where,
                "pass --model DIR with a model directory (config.json, vocab.txt, weights.safetensors) "
                "or set SHOTGEN_MODEL_DIR");
  require_small_regular_file(config_path, 1 << 20);
  json root;
  try {
    root = json::parse(read_file(config_path));
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number too large
    throw Error(std::string("invalid JSON: ") + e.what(), where, "fix the model's config.json");
  }
  if (!root.is_object()) throw Error("config.json must hold a JSON object", where, "fix the model's config.json");
  for (const auto& item : root.items())
    if (!config_keys().count(item.key()))
      throw Error("unknown key '" + item.key() + "'", where, "see docs/ENGINE.md for the config.json keys");

  ModelConfig config;
  read_key(root, "architecture", config.architecture, where);
  read_key(root, "patch_size", config.patch_size, where);
  read_key(root, "width", config.width, where);
  read_key(root, "depth", config.depth, where);
  read_key(root, "heads", config.heads, where);
  read_key(root, "mlp_ratio", config.mlp_ratio, where);
  read_key(root, "mlp_depthwise_kernel", config.mlp_depthwise_kernel, where);
  read_key(root, "pooled_words", config.pooled_words, where);
  read_key(root, "latent_channels", config.latent_channels, where);
  read_key(root, "latent_factor", config.latent_factor, where);
  read_key(root, "autoencoder_width", config.autoencoder_width, where);
  read_key(root, "text_width", config.text_width, where);
  read_key(root, "text_depth", config.text_depth, where);
  read_key(root, "text_heads", config.text_heads, where);
  read_key(root, "max_tokens", config.max_tokens, where);
  read_key(root, "vocab_file", config.vocab_file, where);
  read_key(root, "hash_buckets", config.hash_buckets, where);
  read_key(root, "compound_words", config.compound_words, where);
  read_key(root, "window_frames", config.window_frames, where);
  read_key(root, "overlap_frames", config.overlap_frames, where);
  read_key(root, "sampling_shift", config.sampling_shift, where);
  read_key(root, "frame_noise_correlation", config.frame_noise_correlation, where);
  read_key(root, "noise_follows_camera", config.noise_follows_camera, where);
  read_key(root, "camera_noise_subcells", config.camera_noise_subcells, where);
  read_key(root, "reference_groups", config.reference_groups, where);
  read_key(root, "reference_tokens_per_group", config.reference_tokens_per_group, where);
  read_key(root, "max_references", config.max_references, where);
  if (auto it = root.find("trained_sizes"); it != root.end()) {
    std::vector<std::vector<int>> sizes;
    read_key(root, "trained_sizes", sizes, where);
    config.trained_sizes.clear();
    for (const auto& pair : sizes) {
      require(pair.size() == 2, "trained_sizes entries must be [width, height] pairs", where);
      config.trained_sizes.push_back({pair[0], pair[1]});
    }
  }
  if (auto it = root.find("training"); it != root.end()) config.training_json = it->dump();
  config.validate(where);

  const std::filesystem::path vocab_path = model_dir / config.vocab_file;
  // The vocabulary belongs to the model: a vocab_file that leads out of the model directory (an
  // absolute path, "..", a symlink) is refused before anything is read.
  if (!is_within(vocab_path, model_dir))
    throw Error("vocab_file '" + config.vocab_file + "' is outside the model directory", where,
                "keep the vocabulary file inside the model directory and name it relative to it");
  if (!std::filesystem::exists(vocab_path))
    throw Error("vocabulary file not found", vocab_path.string(),
                "the model directory must hold the file named by config.json's vocab_file");
  require_small_regular_file(vocab_path, 16 << 20);
  std::istringstream lines(read_file(vocab_path));
  std::set<std::string> seen;
  int line_number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::string at = vocab_path.string() + ":" + std::to_string(line_number);
    for (char c : line)
      require(std::isalnum(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c)),
              "vocabulary word " + quoted_word(line) + " is not a lower-case alphanumeric word", at);
    require(seen.insert(line).second, "vocabulary word " + quoted_word(line) + " appears twice", at);
    config.vocabulary.push_back(line);
  }
  return config;
}

std::string model_config_json(const ModelConfig& config) {
  json root;
  root["architecture"] = config.architecture;
  root["patch_size"] = config.patch_size;
  root["width"] = config.width;
  root["depth"] = config.depth;
  root["heads"] = config.heads;
  root["mlp_ratio"] = config.mlp_ratio;
  root["mlp_depthwise_kernel"] = config.mlp_depthwise_kernel;
  if (config.pooled_words) root["pooled_words"] = true;  // configs without the path stay as they were
  if (config.is_latent()) {  // pixel-space configs stay byte-identical to the ones before v3
    root["latent_channels"] = config.latent_channels;
    root["latent_factor"] = config.latent_factor;
    root["autoencoder_width"] = config.autoencoder_width;
  }
  root["text_width"] = config.text_width;
  root["text_depth"] = config.text_depth;
  root["text_heads"] = config.text_heads;
  root["max_tokens"] = config.max_tokens;
  root["vocab_file"] = config.vocab_file;
  root["hash_buckets"] = config.hash_buckets;
  if (!config.compound_words.empty()) root["compound_words"] = config.compound_words;
  root["window_frames"] = config.window_frames;
  root["overlap_frames"] = config.overlap_frames;
  if (config.sampling_shift != 1.0) root["sampling_shift"] = config.sampling_shift;
  if (config.frame_noise_correlation != 0.0) root["frame_noise_correlation"] = config.frame_noise_correlation;
  if (config.noise_follows_camera) root["noise_follows_camera"] = true;
  if (config.camera_noise_subcells != 1) root["camera_noise_subcells"] = config.camera_noise_subcells;
  json sizes = json::array();
  for (const FrameSize& size : config.trained_sizes) sizes.push_back({size.width, size.height});
  root["trained_sizes"] = sizes;
  root["reference_groups"] = config.reference_groups;
  root["reference_tokens_per_group"] = config.reference_tokens_per_group;
  root["max_references"] = config.max_references;
  if (!config.training_json.empty()) root["training"] = json::parse(config.training_json);
  return root.dump(2) + "\n";
}

void save_model_config(const ModelConfig& config, const std::filesystem::path& model_dir) {
  config.validate("model config");
  std::filesystem::create_directories(model_dir);
  std::string vocab;
  for (const std::string& word : config.vocabulary) vocab += word + "\n";
  write_file_atomic(model_dir / config.vocab_file, vocab);
  write_file_atomic(model_dir / "config.json", model_config_json(config));
}

}  // namespace shotgen::engine
