#pragma once
// The hyperparameters of the shot model, as stored in a model directory's config.json (+ vocab.txt).
// Torch-free: the CLI, the render pipeline and the trainer read it without seeing libtorch.
#include <filesystem>
#include <string>
#include <vector>

namespace shotgen::engine {

struct FrameSize {
  int width = 0;
  int height = 0;
  bool operator==(const FrameSize&) const = default;
};

// config.json keys are the field names below (see docs/ENGINE.md). Token ids: 0 = padding,
// 1 = start token, 2.. = vocabulary words in vocab.txt order, then `hash_buckets` ids for
// unknown words.
struct ModelConfig {
  std::string architecture = "shotgen-videodit";
  // Denoiser (VideoDiT): pixel-space, patchified.
  int patch_size = 4;
  int width = 128;
  int depth = 4;
  int heads = 4;
  double mlp_ratio = 2.0;
  // Side of the depthwise convolution over each frame's patch grid inside every block's MLP
  // (0 = none, else odd). It gives the patches a local neighbourhood from the first step, which
  // attention alone learns slowly: without it a small, briefly trained DiT samples each patch on
  // its own and the frame comes out as a mosaic.
  int mlp_depthwise_kernel = 0;
  // Latent space (0 channels = a pixel-space model, as every model before v3): frames are coded by
  // the frame autoencoder (engine/model/autoencoder.h) into latent_channels channels on a grid
  // latent_factor (4 or 8) times smaller per side, and the denoiser's patches are taken from that
  // grid. autoencoder_width is the autoencoder's base channel count (a multiple of 8).
  int latent_channels = 0;
  int latent_factor = 8;
  int autoencoder_width = 64;
  // The adaLN conditioning also gets the prompt's words, pooled from their token embeddings before
  // the text transformer (denoiser.word_embed, zero-initialised). Why: measured on v3.1, every
  // token the text transformer emits is ~93% one shared vector, so the pooled context of "warm
  // palette" and of the empty prompt were 0.999 alike; the raw embeddings of two words share
  // nothing. (A 1247-step fine-tune with it did not make the palette steer: docs/ENGINE.md.)
  bool pooled_words = false;
  // Text encoder.
  int text_width = 128;
  int text_depth = 2;
  int text_heads = 4;
  int max_tokens = 77;  // including the start token
  std::string vocab_file = "vocab.txt";
  std::vector<std::string> vocabulary;  // contents of vocab_file, one word per line
  int hash_buckets = 1024;
  // Hyphenated words the tokenizer keeps whole ("low-key"), each one token after the hash buckets
  // (engine/text/tokenizer.h says why). Empty for models from before: they split every hyphen.
  std::vector<std::string> compound_words;
  // Clips.
  int window_frames = 8;   // frames the model sees at once (the trained window)
  int overlap_frames = 2;  // frames a long shot's next window takes clean from the previous one
  std::vector<FrameSize> trained_sizes{{64, 32}};
  // The timestep shift the weights were trained with (train/training_batch.h): the sampler's schedule
  // uses it unless a request names another, so the steps fall where the model learnt.
  double sampling_shift = 1.0;
  // The share of the starting noise common to a clip's frames that the weights were trained with
  // (train/training_batch.h); the sampler uses it unless a request names another.
  double frame_noise_correlation = 0.0;
  // Whether that shared part moved with each training clip's camera (engine/runtime/moving_noise.h):
  // the sampler then moves it as a request's camera motion asks, unless told otherwise.
  bool noise_follows_camera = false;
  // How finely it moved: k×k noise sub-cells per latent cell (moving_noise.h). 1 = whole cells (v3.5).
  int camera_noise_subcells = 1;
  // References: each reference image becomes `reference_tokens_per_group` tokens per group.
  std::vector<std::string> reference_groups{"palette", "lighting", "texture", "composition"};
  int reference_tokens_per_group = 2;
  int max_references = 4;  // reference slots per shot (the context has a fixed length)
  // Free-form JSON object describing how the weights were trained (kept verbatim, may be empty).
  std::string training_json;

  bool is_latent() const { return latent_channels > 0; }
  // Channels the denoiser predicts: the latent's, or RGB for a pixel-space model.
  int data_channels() const { return is_latent() ? latent_channels : 3; }
  // Pixels per side of one denoiser patch (a request's size must be a multiple of 16, which this divides).
  int pixels_per_patch() const { return is_latent() ? latent_factor * patch_size : patch_size; }

  int vocabulary_size() const {
    return 2 + static_cast<int>(vocabulary.size()) + hash_buckets + static_cast<int>(compound_words.size());
  }
  int reference_token_count() const {
    return max_references * static_cast<int>(reference_groups.size()) * reference_tokens_per_group;
  }
  // Text tokens followed by every reference slot's tokens.
  int context_length() const { return max_tokens + reference_token_count(); }

  // Throws shotgen::Error naming `where` and the offending key when a value is out of range.
  void validate(const std::string& where) const;
};

// Reads DIR/config.json and the vocabulary file it names. Throws shotgen::Error (file, key, fix).
ModelConfig load_model_config(const std::filesystem::path& model_dir);

// Writes DIR/config.json and DIR/<vocab_file> atomically (creates DIR).
void save_model_config(const ModelConfig& config, const std::filesystem::path& model_dir);

// config.json text for `config` (vocabulary excluded; it lives in its own file).
std::string model_config_json(const ModelConfig& config);

// Reference dimensions the model knows features for, in their canonical order.
const std::vector<std::string>& known_reference_groups();

}  // namespace shotgen::engine
