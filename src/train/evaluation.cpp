#include "train/evaluation.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "analyze/clip_analysis.h"
#include "analyze/sharpness.h"
#include "core/error.h"
#include "core/number_text.h"
#include "engine/engine.h"
#include "film/film.h"
#include "film/finish_settings.h"
#include "train/autoencoder_round_trip.h"
#include "world/attributes.h"
#include "world/layout_guide.h"
#include "world/rng.h"
#include "world/sample.h"
#include "world/world.h"

namespace shotgen::train {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const char* const kGreenNegative = "green tones";
const char* const kPhotorealNegative = "photorealistic, live action, 3D render";
const char* const kDuplicateNegative = "duplicate characters";

// One prompt of the suite: the attributes it asks for and which of them it names.
struct SuitePrompt {
  world::ClipAttributes attributes;
  bool names_palette = true;
  std::uint64_t seed = 0;
};

// The caption order of the world (style, action, camera, lens, lighting, palette, composition,
// atmosphere) with canonical words.
std::string prompt_text(const SuitePrompt& p) {
  const world::ClipAttributes& a = p.attributes;
  std::vector<std::string_view> parts{world::word(a.style), world::word(a.characters), world::word(a.camera),
                                      world::word(a.lens),  world::word(a.lighting)};
  if (p.names_palette) parts.push_back(world::word(a.palette));
  parts.push_back(world::word(a.composition));
  parts.push_back(world::word(a.atmosphere));
  std::string text;
  for (std::string_view part : parts) text += (text.empty() ? "" : ", ") + std::string(part);
  return text;
}

template <class Values>
auto cycle(const Values& values, int i) {
  return values[static_cast<std::size_t>(i) % values.size()];
}

// Each dimension cycles through its values with a different stride, so the combinations vary.
std::vector<SuitePrompt> adherence_suite(const EvaluationOptions& o) {
  world::Rng rng(o.seed * 0x9E3779B97F4A7C15ull + 1);
  std::vector<SuitePrompt> suite;
  const int count = o.clips_per_cell * 7;  // 7 = the most values of a measured dimension (camera)
  for (int i = 0; i < count; ++i) {
    SuitePrompt p{world::sample_attributes(rng), true, rng.next()};
    p.attributes.palette = cycle(world::kPalettes, i);
    p.attributes.lighting = cycle(world::kLightings, i * 3 + i / 5);
    p.attributes.camera = cycle(world::kCameraMoves, i);
    p.attributes.style = cycle(world::kStyles, i + i / 3);
    p.attributes.characters = cycle(world::kCharacters, i * 2 + i / 3);
    p.attributes.mood = world::mood_for(p.attributes.lighting, p.attributes.palette, p.attributes.atmosphere);
    suite.push_back(p);
  }
  return suite;
}

std::vector<SuitePrompt> negative_suite(const EvaluationOptions& o, std::uint64_t salt,
                                        const std::function<void(SuitePrompt&)>& shape) {
  world::Rng rng(o.seed * 0x9E3779B97F4A7C15ull + salt);
  std::vector<SuitePrompt> suite;
  for (int i = 0; i < o.clips_per_cell * 3; ++i) {
    SuitePrompt p{world::sample_attributes(rng), true, rng.next()};
    shape(p);
    suite.push_back(p);
  }
  return suite;
}

engine::GenerationRequest request_for(const SuitePrompt& p, const std::string& negative, const EvaluationOptions& o) {
  engine::GenerationRequest request;
  request.positive = prompt_text(p);
  request.negative = negative;
  request.seed = p.seed;
  request.frames = o.frames;
  request.width = o.width;
  request.height = o.height;
  return request;
}

class Renderer {
 public:
  Renderer(engine::Engine& engine, const EvaluationOptions& options, const EvaluationProgress& progress, int total)
      : engine_(engine), options_(options), progress_(progress), total_(total) {
    settings_.steps = options.steps;
    settings_.guidance = options.guidance;
    settings_.frame_noise_correlation =
        options.frame_noise_correlation.value_or(engine.info().config.frame_noise_correlation);
    settings_.noise_follows_camera = options.noise_follows_camera.value_or(engine.info().config.noise_follows_camera);
    settings_.shift = engine.info().config.sampling_shift;
    settings_.guide_share = options.layout_guide;
    window_frames_ = engine.info().config.window_frames;
  }

  std::vector<Clip> render(const std::vector<engine::GenerationRequest>& requests, const std::string& stage) {
    std::vector<Clip> clips;
    for (std::size_t first = 0; first < requests.size(); first += static_cast<std::size_t>(options_.batch)) {
      const std::size_t last = std::min(requests.size(), first + static_cast<std::size_t>(options_.batch));
      std::vector<engine::GenerationRequest> batch(requests.begin() + static_cast<std::ptrdiff_t>(first),
                                                   requests.begin() + static_cast<std::ptrdiff_t>(last));
      for (engine::GenerationRequest& request : batch) prepare(request);
      std::vector<Clip> drawn = engine_.generate(batch, settings_);
      for (std::size_t i = 0; i < drawn.size(); ++i) clips.push_back(finish::finish_clip(drawn[i], batch[i].positive, batch[i].seed, options_.finishing).clip);
      done_ += static_cast<int>(batch.size());
      if (progress_) progress_(stage, done_, total_);
    }
    return clips;
  }

  const engine::SamplerSettings& settings() const { return settings_; }

  // As a render does: the camera move the prompt names sets the noise's motion, and with a layout
  // guide the sampler starts from the prompt's guide.
  void prepare(engine::GenerationRequest& request) const {
    request.camera_motion = world::prompt_camera_motion(request.positive, window_frames_, request.height);
    if (settings_.guide_share > 0)
      request.guide_frames =
          world::draw_layout_guide(request.positive, request.seed, request.frames, request.width, request.height).frames;
  }

 private:
  engine::Engine& engine_;
  const EvaluationOptions& options_;
  const EvaluationProgress& progress_;
  engine::SamplerSettings settings_;
  int window_frames_ = 8;  // the model's: the zoom speed of a prompt's camera move
  int total_;
  int done_ = 0;
};

std::vector<analyze::ClipAnalysis> analyze_all(const std::vector<Clip>& clips) {
  std::vector<analyze::ClipAnalysis> out;
  for (const Clip& clip : clips) out.push_back(analyze::analyze_clip(clip));
  return out;
}

template <class F>
double mean_of(const std::vector<analyze::ClipAnalysis>& all, F value) {
  if (all.empty()) return 0.0;
  double sum = 0.0;
  for (const auto& a : all) sum += value(a);
  return sum / static_cast<double>(all.size());
}

// Mean luma of a frame on a columns × rows grid, for the composition (layout) comparisons.
std::vector<double> luma_layout(const Image& frame, int columns = 4, int rows = 4) {
  const std::size_t n = static_cast<std::size_t>(columns * rows);
  std::vector<double> cells(n, 0.0), counts(n, 0.0);
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x) {
      const std::uint8_t* p = frame.pixel(x, y);
      const std::size_t cell = static_cast<std::size_t>((y * rows / frame.height) * columns + x * columns / frame.width);
      cells[cell] += 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
      counts[cell] += 1.0;
    }
  for (std::size_t i = 0; i < n; ++i) cells[i] /= std::max(1.0, counts[i]);
  return cells;
}

// The 32×16 luma layout of a clip's mean frame: where its figures, horizon and props stand over the
// clip, in cells of 4×4 pixels at 128×64 (a figure covers several; texture and flicker average out).
std::vector<double> clip_layout(const Clip& clip) {
  std::vector<double> mean(32 * 16, 0.0);
  for (const Image& frame : clip.frames) {
    const std::vector<double> cells = luma_layout(frame, 32, 16);
    for (std::size_t i = 0; i < cells.size(); ++i) mean[i] += cells[i] / static_cast<double>(clip.frames.size());
  }
  return mean;
}

// Mean |a − b| over two layouts' cells (luma, 0–255).
double layout_change(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += std::abs(a[i] - b[i]);
  return a.empty() ? 0.0 : sum / static_cast<double>(a.size());
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f%%", share * 100.0);
  return text;
}

std::string fixed(double value, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

json ratio(double generated, double world) { return world > 0.0 ? json(generated / world) : json(nullptr); }

json sharpness_json(const SharpnessReport& s) {
  return {{"pairs", s.pairs},
          {"structure", {{"generated", s.generated_structure}, {"world", s.world_structure},
                         {"ratio", ratio(s.generated_structure, s.world_structure)}}},
          {"isolated_noise", {{"generated", s.generated_noise}, {"world", s.world_noise},
                              {"ratio", ratio(s.generated_noise, s.world_noise)}}},
          {"flicker", {{"generated", s.generated_flicker}, {"world", s.world_flicker},
                       {"ratio", ratio(s.generated_flicker, s.world_flicker)}}}};
}

}  // namespace

void EvaluationOptions::validate() const {
  auto require = [](bool ok, const std::string& what, const std::string& option) {
    if (!ok) throw Error(what, option, "see `shotgen model eval --help`");
  };
  require(steps >= 1, "must be at least 1", "--steps");
  require(clips_per_cell >= 1, "must be at least 1", "--clips-per-cell");
  require(frames >= 2, "must be at least 2 (motion and flicker need frame pairs)", "--frames");
  require(speed_frames >= 1, "must be at least 1", "--speed-frames");
  require(width > 0 && height > 0 && width % 16 == 0 && height % 16 == 0, "must be multiples of 16", "--size");
  require(batch >= 1, "must be at least 1", "--batch");
  require(guidance > 0.0, "must be positive", "--guidance");
  require(finishing.deflicker >= 0.0 && finishing.deflicker <= 1.0, "must be between 0 and 1", "--deflicker");
  require(finishing.palette_lock >= 0.0 && finishing.palette_lock <= 1.0, "must be between 0 and 1", "--palette-lock");
  require(finishing.reframe == 0.0 ||
              (finishing.reframe >= film::kMinReframeZoom && finishing.reframe <= film::kMaxReframeZoom),
          "must be 0 (off) or between 1.05 and 2", "--reframe");
  require(layout_guide >= 0.0 && layout_guide <= film::kMaxLayoutGuide,
          "must be between 0 and " + shortest_decimal(film::kMaxLayoutGuide), "--layout-guide");
}

std::vector<std::string> evaluation_prompt_texts() {
  return {kGreenNegative, kPhotorealNegative, kDuplicateNegative};
}

EvaluationReport evaluate_model(const EvaluationOptions& options, const EvaluationProgress& progress) {
  options.validate();
  const std::filesystem::path dir = options.model_dir.empty() ? engine::default_model_dir() : options.model_dir;
  engine::Engine engine = engine::Engine::load(dir, engine::parse_device_choice(options.device));
  EvaluationReport report = evaluate_engine(engine, options, progress);
  report.model = dir.string();
  return report;
}

namespace {

std::vector<engine::GenerationRequest> requests_for(const std::vector<SuitePrompt>& suite, const std::string& negative,
                                                    const EvaluationOptions& options) {
  std::vector<engine::GenerationRequest> out;
  for (const SuitePrompt& p : suite) out.push_back(request_for(p, negative, options));
  return out;
}

// Prompts with a reference that differs from the prompt in lighting and composition.
struct ReferenceSuite {
  std::vector<SuitePrompt> prompts;
  std::vector<world::ClipAttributes> attributes;  // the references'
  std::vector<Image> images;
};

ReferenceSuite reference_suite(const EvaluationOptions& options) {
  world::Rng rng(options.seed * 0x9E3779B97F4A7C15ull + 5);
  ReferenceSuite suite;
  for (int i = 0; i < options.clips_per_cell * 3; ++i) {
    SuitePrompt p{world::sample_attributes(rng), false, rng.next()};
    world::ClipAttributes ref = world::sample_attributes(rng);
    ref.camera = world::CameraMove::Static;
    ref.lighting = cycle(world::kLightings, static_cast<int>(static_cast<std::size_t>(p.attributes.lighting) + 1 + rng.below(4)));
    ref.composition =
        cycle(world::kCompositions, static_cast<int>(static_cast<std::size_t>(p.attributes.composition) + 1 + rng.below(4)));
    ref.mood = world::mood_for(ref.lighting, ref.palette, ref.atmosphere);
    suite.images.push_back(world::render_clip(ref, 1, options.width, options.height, rng.next()).frames.front());
    suite.attributes.push_back(ref);
    suite.prompts.push_back(p);
  }
  return suite;
}

// Sharpness pairs: world clips with their captions.
std::vector<world::WorldSample> sharpness_pairs(const EvaluationOptions& options) {
  std::vector<world::WorldSample> pairs;
  for (int i = 0; i < options.clips_per_cell * 2; ++i)
    pairs.push_back(world::sample(options.seed * 0x9E3779B97F4A7C15ull + 0x5A4D + static_cast<std::uint64_t>(i),
                                  options.frames, options.width, options.height));
  return pairs;
}

// Adherence per dimension and temporal consistency, against the world's own clips of the prompts.
void measure_adherence(engine::Engine& engine, Renderer& renderer, const std::vector<SuitePrompt>& adherence,
                       const EvaluationOptions& options, EvaluationReport& report) {
  const auto generated = analyze_all(renderer.render(requests_for(adherence, "", options), "adherence"));
  std::vector<Clip> world_clips;
  for (const SuitePrompt& p : adherence)
    world_clips.push_back(world::render_clip(p.attributes, options.frames, options.width, options.height, p.seed));
  const std::vector<analyze::ClipAnalysis> world = analyze_all(world_clips);
  std::optional<std::vector<analyze::ClipAnalysis>> round_trip;
  if (auto clips = autoencoder_round_trip(engine, world_clips)) round_trip = analyze_all(*clips);
  // Each dimension as words: the value a clip was asked for and the value its analysis measured.
  struct Dimension {
    const char* name;
    std::function<std::string_view(const world::ClipAttributes&)> asked;
    std::function<std::string_view(const analyze::ClipAnalysis&)> measured;
  };
  const std::vector<Dimension> dimensions{
      {"palette", [](const auto& a) { return world::word(a.palette); },
       [](const auto& m) { return world::word(m.palette.palette); }},
      {"lighting", [](const auto& a) { return world::word(a.lighting); },
       [](const auto& m) { return world::word(m.key.lighting); }},
      {"camera", [](const auto& a) { return world::word(a.camera); },
       [](const auto& m) { return world::word(m.motion.camera); }},
      {"style", [](const auto& a) { return world::word(a.style); },
       [](const auto& m) { return world::word(m.style.style); }},
      {"characters", [](const auto& a) { return world::word(a.characters); },
       [](const auto& m) { return world::word(m.characters.characters); }},
  };
  for (const Dimension& d : dimensions) {
    AdherenceRow row;
    row.dimension = d.name;
    row.clips = static_cast<int>(adherence.size());
    for (std::size_t i = 0; i < adherence.size(); ++i) {
      const std::string asked(d.asked(adherence[i].attributes));
      const std::string drawn(d.measured(generated[i]));
      auto value = std::find_if(row.values.begin(), row.values.end(), [&](const auto& v) { return v.asked == asked; });
      if (value == row.values.end()) {
        ValueAdherence first;
        first.asked = asked;
        value = row.values.insert(row.values.end(), first);
      }
      ++value->clips;
      if (drawn == asked) ++value->matches, ++row.matches;
      else ++value->drawn_instead[drawn];
      row.world_matches += d.measured(world[i]) == asked;
      if (round_trip) {
        const int kept = d.measured((*round_trip)[i]) == asked;
        row.autoencoder_matches = row.autoencoder_matches.value_or(0) + kept;
        value->autoencoder_matches = value->autoencoder_matches.value_or(0) + kept;
      }
    }
    report.adherence.push_back(row);
  }
  report.generated_flicker = mean_of(generated, [](const auto& a) { return a.motion.flicker; });
  report.world_flicker = mean_of(world, [](const auto& a) { return a.motion.flicker; });
}

// Negative effect: the same prompts and seeds without and with the negative.
void measure_negatives(Renderer& renderer, const std::vector<SuitePrompt>& green, const std::vector<SuitePrompt>& flat,
                       const std::vector<SuitePrompt>& single, const EvaluationOptions& options,
                       EvaluationReport& report) {
  auto with_and_without = [&](const std::vector<SuitePrompt>& suite, const char* negative, const char* stage) {
    return std::pair{analyze_all(renderer.render(requests_for(suite, "", options), stage)),
                     analyze_all(renderer.render(requests_for(suite, negative, options), stage))};
  };
  {
    auto [without, with] = with_and_without(green, kGreenNegative, "negative: green");
    auto share = [](const analyze::ClipAnalysis& a) { return a.palette.green_share; };
    report.negatives.push_back({kGreenNegative, "mean green share", static_cast<int>(green.size()),
                                mean_of(without, share), mean_of(with, share)});
  }
  {
    auto [without, with] = with_and_without(flat, kPhotorealNegative, "negative: photoreal");
    auto photoreal = [](const analyze::ClipAnalysis& a) { return a.style.style == world::Style::Photoreal ? 1.0 : 0.0; };
    report.negatives.push_back({kPhotorealNegative, "flat 2D prompts measured photoreal", static_cast<int>(flat.size()),
                                mean_of(without, photoreal), mean_of(with, photoreal)});
  }
  {
    auto [without, with] = with_and_without(single, kDuplicateNegative, "negative: duplicates");
    auto not_one = [](const analyze::ClipAnalysis& a) {
      return a.characters.characters != world::Characters::One ? 1.0 : 0.0;
    };
    auto count = [](const analyze::ClipAnalysis& a) { return a.characters.count; };
    report.negatives.push_back({kDuplicateNegative, "\"one figure\" prompts not measured as one",
                                static_cast<int>(single.size()), mean_of(without, not_one), mean_of(with, not_one)});
    report.negatives.push_back({kDuplicateNegative, "mean figure count on \"one figure\" prompts",
                                static_cast<int>(single.size()), mean_of(without, count), mean_of(with, count)});
  }
}

// Reference bleed-through: the same prompts with the reference kept whole and with its lighting
// and composition ignored.
void measure_reference_bleed(Renderer& renderer, const ReferenceSuite& suite, const EvaluationOptions& options,
                             EvaluationReport& report) {
  auto reference_requests = [&](bool ignore) {
    std::vector<engine::GenerationRequest> out;
    for (std::size_t i = 0; i < suite.prompts.size(); ++i) {
      engine::GenerationRequest request = request_for(suite.prompts[i], "", options);
      engine::ReferenceImage reference{suite.images[i], {}};
      if (ignore) reference.ignore = {"lighting", "composition"};
      request.references.push_back(std::move(reference));
      out.push_back(std::move(request));
    }
    return out;
  };
  const auto kept_clips = renderer.render(reference_requests(false), "reference");
  const auto ignored_clips = renderer.render(reference_requests(true), "reference");
  const auto kept = analyze_all(kept_clips), ignored = analyze_all(ignored_clips);
  std::vector<analyze::ClipAnalysis> reference_measures;
  for (const Image& image : suite.images) reference_measures.push_back(analyze::analyze_clip(Clip{{image}}));
  report.reference_clips = static_cast<int>(suite.prompts.size());
  auto bleed = [&](const std::vector<analyze::ClipAnalysis>& measured, const std::vector<Clip>& clips,
                   int which) {
    double sum = 0.0;
    for (std::size_t i = 0; i < measured.size(); ++i) {
      const analyze::ClipAnalysis& ref = reference_measures[i];
      switch (which) {
        case 0: sum += measured[i].key.lighting == suite.attributes[i].lighting; break;
        case 1: sum += std::abs(measured[i].key.key - ref.key.key); break;
        case 2: {
          const Clip& clip = clips[i];
          sum += correlation(luma_layout(clip.frames[clip.frames.size() / 2]), luma_layout(suite.images[i]));
          break;
        }
        default: sum += measured[i].palette.palette == suite.attributes[i].palette; break;
      }
    }
    return measured.empty() ? 0.0 : sum / static_cast<double>(measured.size());
  };
  const char* const bleed_names[] = {"lighting class is the reference's (leak)", "|key - reference key| (higher = less leak)",
                                     "4x4 layout correlation with the reference (leak)",
                                     "palette is the reference's (wanted)"};
  for (int which = 0; which < 4; ++which)
    report.reference_bleed.push_back({bleed_names[which], bleed(kept, kept_clips, which), bleed(ignored, ignored_clips, which)});
}

// Each world clip against the model's clip from its caption at the same size.
SharpnessReport measure_sharpness(Renderer& renderer, const std::vector<world::WorldSample>& pairs,
                                  const EvaluationOptions& options) {
  std::vector<engine::GenerationRequest> pair_requests;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    engine::GenerationRequest request;
    request.positive = pairs[i].caption;
    request.seed = options.seed + i;
    request.frames = options.frames;
    request.width = options.width;
    request.height = options.height;
    pair_requests.push_back(std::move(request));
  }
  const std::vector<Clip> pair_clips = renderer.render(pair_requests, "sharpness");
  SharpnessReport sharp;
  sharp.pairs = static_cast<int>(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const analyze::SharpnessMeasure generated = analyze::measure_sharpness(pair_clips[i]);
    const analyze::SharpnessMeasure world_measure = analyze::measure_sharpness(pairs[i].clip);
    sharp.generated_structure += generated.structure;
    sharp.world_structure += world_measure.structure;
    sharp.generated_noise += generated.isolated_noise;
    sharp.world_noise += world_measure.isolated_noise;
    sharp.generated_flicker += analyze::analyze_clip(pair_clips[i]).motion.flicker;
    sharp.world_flicker += analyze::analyze_clip(pairs[i].clip).motion.flicker;
  }
  const double n = std::max(1.0, static_cast<double>(pairs.size()));
  for (double* value : {&sharp.generated_structure, &sharp.world_structure, &sharp.generated_noise,
                        &sharp.world_noise, &sharp.generated_flicker, &sharp.world_flicker})
    *value /= n;
  return sharp;
}

// One pair of layout words of the layout suite: how a prompt asks the first and the second.
struct LayoutWords {
  const char* label;
  std::function<void(world::ClipAttributes&)> first, second;
};

std::vector<LayoutWords> layout_word_pairs() {
  return {{"one figure / a crowd", [](auto& a) { a.characters = world::Characters::One; },
           [](auto& a) { a.characters = world::Characters::Crowd; }},
          {"rule of thirds left / right", [](auto& a) { a.composition = world::Composition::ThirdsLeft; },
           [](auto& a) { a.composition = world::Composition::ThirdsRight; }}};
}

// One pair of words of the layout suite: clips_per_cell prompts, each drawn with the first words,
// the second words at the same seed, and the first words at another seed.
struct LayoutCell {
  std::string label;
  std::vector<std::array<SuitePrompt, 3>> triples;
};

std::vector<LayoutCell> layout_suite(const EvaluationOptions& options) {
  std::vector<LayoutCell> suite;
  world::Rng rng(options.seed * 0x9E3779B97F4A7C15ull + 5);
  for (const LayoutWords& words : layout_word_pairs()) {
    LayoutCell& cell = suite.emplace_back(LayoutCell{words.label, {}});
    for (int i = 0; i < options.clips_per_cell; ++i) {
      SuitePrompt first{world::sample_attributes(rng), true, rng.next()};
      words.first(first.attributes);
      SuitePrompt second = first;
      words.second(second.attributes);
      SuitePrompt reseeded = first;
      reseeded.seed = rng.next();
      cell.triples.push_back({first, second, reseeded});
    }
  }
  return suite;
}

std::vector<LayoutRow> measure_layout(Renderer& renderer, const std::vector<LayoutCell>& suite,
                                      const EvaluationOptions& options) {
  std::vector<SuitePrompt> prompts;  // every cell's triples, in order: one render call for the suite
  for (const LayoutCell& cell : suite)
    for (const auto& triple : cell.triples) prompts.insert(prompts.end(), triple.begin(), triple.end());
  const std::vector<Clip> generated = renderer.render(requests_for(prompts, "", options), "layout");
  std::vector<LayoutRow> rows;
  std::size_t next = 0;  // the first clip of the current triple in `generated`
  for (const LayoutCell& cell : suite) {
    LayoutRow row;
    row.words = cell.label;
    row.clips = static_cast<int>(cell.triples.size());
    const double n = static_cast<double>(cell.triples.size());
    for (const auto& triple : cell.triples) {
      std::array<std::vector<double>, 3> model, world;
      for (std::size_t j = 0; j < 3; ++j) {
        model[j] = clip_layout(generated[next + j]);
        world[j] = clip_layout(
            world::render_clip(triple[j].attributes, options.frames, options.width, options.height, triple[j].seed));
      }
      next += 3;
      row.words_swapped += layout_change(model[0], model[1]) / n;
      row.seed_swapped += layout_change(model[0], model[2]) / n;
      row.world_words_swapped += layout_change(world[0], world[1]) / n;
      row.world_seed_swapped += layout_change(world[0], world[2]) / n;
    }
    rows.push_back(row);
  }
  return rows;
}

// Wall time of one shot at the evaluation size and steps.
double seconds_per_shot(engine::Engine& engine, const Renderer& renderer, const EvaluationOptions& options) {
  engine::GenerationRequest shot;
  shot.positive = "photoreal, one figure, pan left, normal lens, golden hour, warm palette, centered composition, clear";
  shot.seed = options.seed;
  shot.frames = options.speed_frames;
  shot.width = options.width;
  shot.height = options.height;
  renderer.prepare(shot);
  const auto before = Clock::now();
  engine.generate({shot}, renderer.settings());
  return std::chrono::duration<double>(Clock::now() - before).count();
}

}  // namespace

EvaluationReport evaluate_engine(engine::Engine& engine, const EvaluationOptions& options,
                                 const EvaluationProgress& progress) {
  options.validate();
  const auto started = Clock::now();
  EvaluationReport report;
  report.options = options;
  report.model = engine.info().model_dir.string();

  const std::vector<SuitePrompt> adherence = adherence_suite(options);
  const auto green = negative_suite(options, 2, [](SuitePrompt& p) { p.names_palette = false; });
  const auto flat = negative_suite(options, 3, [](SuitePrompt& p) { p.attributes.style = world::Style::Flat2D; });
  const auto single = negative_suite(options, 4, [](SuitePrompt& p) { p.attributes.characters = world::Characters::One; });
  const ReferenceSuite referenced = reference_suite(options);
  const std::vector<world::WorldSample> pairs = sharpness_pairs(options);
  const std::vector<LayoutCell> layout = layout_suite(options);
  std::size_t layout_clips = 0;
  for (const LayoutCell& cell : layout) layout_clips += 3 * cell.triples.size();
  const int total = static_cast<int>(adherence.size() + 2 * (green.size() + flat.size() + single.size()) +
                                     2 * referenced.prompts.size() + pairs.size() + layout_clips);
  Renderer renderer(engine, options, progress, total);
  report.shift = renderer.settings().shift;
  report.frame_noise_correlation = renderer.settings().frame_noise_correlation;
  report.noise_follows_camera = renderer.settings().noise_follows_camera;
  report.camera_noise_subcells = report.noise_follows_camera ? engine.info().config.camera_noise_subcells : 1;

  measure_adherence(engine, renderer, adherence, options, report);
  measure_negatives(renderer, green, flat, single, options, report);
  measure_reference_bleed(renderer, referenced, options, report);
  report.sharpness = measure_sharpness(renderer, pairs, options);
  report.layout = measure_layout(renderer, layout, options);

  CaptionUseOptions caption_use;
  caption_use.clips = options.clips_per_cell * 6;
  caption_use.frames = options.frames;
  caption_use.width = options.width;
  caption_use.height = options.height;
  caption_use.seed = options.seed;
  report.caption_use = measure_caption_use(engine, caption_use);

  if (options.measure_speed) report.seconds_per_shot = seconds_per_shot(engine, renderer, options);
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return report;
}

json to_json(const EvaluationReport& r) {
  json adherence = json::array(), negatives = json::array(), bleed = json::array();
  for (const AdherenceRow& row : r.adherence) {
    json values = json::array();
    for (const ValueAdherence& v : row.values)
      values.push_back({{"asked", v.asked},
                        {"clips", v.clips},
                        {"matches", v.matches},
                        {"autoencoder_matches", v.autoencoder_matches ? json(*v.autoencoder_matches) : json(nullptr)},
                        {"drawn_instead", v.drawn_instead}});
    adherence.push_back({{"dimension", row.dimension},
                         {"clips", row.clips},
                         {"matches", row.matches},
                         {"share", row.share()},
                         {"world_share", row.world_share()},
                         {"autoencoder_share", row.autoencoder_share() ? json(*row.autoencoder_share()) : json(nullptr)},
                         {"values", values}});
  }
  for (const NegativeRow& row : r.negatives)
    negatives.push_back({{"negative", row.negative},
                         {"measure", row.measure},
                         {"clips", row.clips},
                         {"without", row.without},
                         {"with", row.with},
                         {"relative_change", row.relative_change()}});
  for (const BleedRow& row : r.reference_bleed)
    bleed.push_back({{"measure", row.measure}, {"kept", row.kept}, {"ignored", row.ignored}});
  const EvaluationOptions& o = r.options;
  json out = {{"model", r.model},
              {"settings",
               {{"steps", o.steps},
                {"guidance", o.guidance},
                {"frame_noise_correlation", r.frame_noise_correlation},
                {"noise_follows_camera", r.noise_follows_camera},
                {"deflicker", o.finishing.deflicker},
                {"reframe", o.finishing.reframe},
                {"style_texture", o.finishing.style_texture},
                {"palette_match", o.finishing.palette_match},
                {"palette_lock", o.finishing.palette_lock},
                {"layout_guide", o.layout_guide},
                {"camera_noise_subcells", r.camera_noise_subcells},
                {"shift", r.shift},
                {"clips_per_cell", o.clips_per_cell},
                {"seed", o.seed},
                {"frames", o.frames},
                {"width", o.width},
                {"height", o.height}}},
              {"adherence", adherence},
              {"negatives", negatives},
              {"reference_bleed", {{"clips", r.reference_clips}, {"ignore", {"lighting", "composition"}}, {"rows", bleed}}},
              {"temporal",
               {{"generated_flicker", r.generated_flicker},
                {"world_flicker", r.world_flicker},
                {"ratio", r.world_flicker > 0 ? json(r.generated_flicker / r.world_flicker) : json(nullptr)}}},
              {"sharpness", sharpness_json(r.sharpness)},
              {"seconds", r.seconds}};
  json layout = json::array();
  for (const LayoutRow& row : r.layout)
    layout.push_back({{"words", row.words},
                      {"clips", row.clips},
                      {"words_swapped", row.words_swapped},
                      {"seed_swapped", row.seed_swapped},
                      {"steering", row.steering()},
                      {"world_words_swapped", row.world_words_swapped},
                      {"world_seed_swapped", row.world_seed_swapped},
                      {"world_steering", row.world_steering()}});
  out["layout"] = layout;
  json caption_use = json::array();
  for (const CaptionUseRow& row : r.caption_use)
    caption_use.push_back({{"dimension", row.dimension},
                           {"clips", row.clips},
                           {"t", row.t},
                           {"loss_true", row.loss_true},
                           {"loss_swapped", row.loss_swapped},
                           {"loss_absent", row.loss_absent},
                           {"gain", row.gain()},
                           {"mean_loss_true", row.mean_true},
                           {"mean_loss_swapped", row.mean_swapped},
                           {"mean_loss_absent", row.mean_absent},
                           {"mean_gain", row.mean_gain()}});
  out["caption_use"] = caption_use;
  out["seconds_per_shot"] = r.seconds_per_shot ? json(*r.seconds_per_shot) : json(nullptr);
  out["speed_frames"] = o.speed_frames;
  return out;
}

std::string format_report(const EvaluationReport& r) {
  const EvaluationOptions& o = r.options;
  std::ostringstream out;
  char line[256];
  const std::string correlation =
      (r.frame_noise_correlation > 0 ? "frame noise correlation " + fixed(r.frame_noise_correlation, 2) + ", " : "") +
      std::string(!r.noise_follows_camera        ? ""
                  : r.camera_noise_subcells == 1 ? "noise follows camera, "
                                                 : "noise follows camera in " + std::to_string(r.camera_noise_subcells) +
                                                       "x" + std::to_string(r.camera_noise_subcells) + " sub-cells, ");
  out << "model " << (r.model.empty() ? "(random weights)" : r.model) << ": " << o.steps << " steps, shift "
      << fixed(r.shift, 1) << ", guidance " << fixed(o.guidance, 1) << ", " << correlation
      << (o.finishing.deflicker > 0 ? "deflicker " + fixed(o.finishing.deflicker, 2) + ", " : "")
      << (o.finishing.style_texture ? "style texture, " : "")
      << (o.finishing.palette_match ? "palette match, " : "")
      << (o.finishing.palette_lock > 0 ? "palette lock " + fixed(o.finishing.palette_lock, 2) + ", " : "")
      << (o.finishing.reframe > 0 ? "reframe " + fixed(o.finishing.reframe, 2) + ", " : "")
      << (o.layout_guide > 0 ? "layout guide " + fixed(o.layout_guide, 2) + ", " : "") << o.frames << " frames "
      << o.width << "x" << o.height << ", seed " << o.seed << ", " << o.clips_per_cell << " clips per cell\n\n";
  std::snprintf(line, sizeof line, "%-36s %10s %14s %20s\n", "adherence (measured = prompt)", "model", "world clips",
                "through autoencoder");
  out << line;
  for (const AdherenceRow& row : r.adherence) {
    const std::optional<double> ceiling = row.autoencoder_share();
    std::snprintf(line, sizeof line, "  %-34s %4s %2d/%-3d %13s %20s\n", row.dimension.c_str(), percent(row.share()).c_str(),
                  row.matches, row.clips, percent(row.world_share()).c_str(),
                  ceiling ? percent(*ceiling).c_str() : "(pixel model)");
    out << line;
  }
  out << "\nadherence by value (drawn as asked / asked; [through the autoencoder]; what was drawn instead, most often "
         "first)\n";
  for (const AdherenceRow& row : r.adherence)
    for (std::size_t k = 0; k < row.values.size(); ++k) {
      const ValueAdherence& v = row.values[k];
      std::vector<std::pair<std::string, int>> instead(v.drawn_instead.begin(), v.drawn_instead.end());
      std::stable_sort(instead.begin(), instead.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
      std::string misses;
      for (const auto& [drawn, clips] : instead) misses += (misses.empty() ? "" : ", ") + drawn + " " + std::to_string(clips);
      const std::string ceiling =
          v.autoencoder_matches ? "[" + std::to_string(*v.autoencoder_matches) + "/" + std::to_string(v.clips) + "]" : "";
      std::snprintf(line, sizeof line, "  %-12s %-20s %2d/%-3d %-8s %s\n", k == 0 ? row.dimension.c_str() : "",
                    v.asked.c_str(), v.matches, v.clips, ceiling.c_str(), misses.c_str());
      out << line;
    }
  std::snprintf(line, sizeof line, "\n%-50s %9s %9s %8s\n", "negative effect (same prompts and seeds)", "without",
                "with", "change");
  out << line;
  for (const NegativeRow& row : r.negatives) {
    out << "  \"" << row.negative << "\": " << row.measure << " (" << row.clips << " clips)\n";
    std::snprintf(line, sizeof line, "  %-48s %9s %9s %8s\n", "", fixed(row.without, 3).c_str(), fixed(row.with, 3).c_str(),
                  row.without != 0.0 ? (fixed(row.relative_change() * 100.0, 0) + "%").c_str() : "n/a");
    out << line;
  }
  std::snprintf(line, sizeof line, "\n%-50s %9s %9s\n", "reference bleed (palette-only reference)", "kept", "ignored");
  out << line;
  out << "  (" << r.reference_clips << " clips; ignored = ignore lighting, composition)\n";
  for (const BleedRow& row : r.reference_bleed) {
    std::snprintf(line, sizeof line, "  %-48s %9s %9s\n", row.measure.c_str(), fixed(row.kept, 3).c_str(),
                  fixed(row.ignored, 3).c_str());
    out << line;
  }
  out << "\ntemporal consistency: flicker " << fixed(r.generated_flicker, 2) << " generated vs "
      << fixed(r.world_flicker, 2) << " world";
  if (r.world_flicker > 0) out << " (" << fixed(r.generated_flicker / r.world_flicker, 2) << "x)";
  out << "\n";
  const SharpnessReport& sharp = r.sharpness;
  out << "\nsharpness, " << sharp.pairs << " pairs (a world clip and the model's clip from its caption)\n";
  auto times = [](double generated, double world) {
    return world > 0.0 ? " (" + fixed(generated / world, 2) + "x)" : std::string();
  };
  out << "  structure (strongest 5% gradients after 3x3 median): " << fixed(sharp.generated_structure, 1) << " vs "
      << fixed(sharp.world_structure, 1) << times(sharp.generated_structure, sharp.world_structure) << "\n";
  out << "  isolated-pixel noise (|luma - 3x3 median|):          " << fixed(sharp.generated_noise, 2) << " vs "
      << fixed(sharp.world_noise, 2) << times(sharp.generated_noise, sharp.world_noise) << "\n";
  out << "  flicker:                                             " << fixed(sharp.generated_flicker, 2) << " vs "
      << fixed(sharp.world_flicker, 2) << times(sharp.generated_flicker, sharp.world_flicker) << "\n";
  if (!r.layout.empty()) {
    out << "\nlayout steering: mean |difference| of the clips' mean frames in 4x4-pixel cells (luma 0-255); steering =\n"
        << "  the words' change / a new seed's (0 = the words change nothing; the world's layout follows its words)\n";
    std::snprintf(line, sizeof line, "  %-30s %14s %14s %9s   %s\n", "words (clips)", "words swapped", "seed swapped",
                  "steering", "world: words / seed / steering");
    out << line;
    for (const LayoutRow& row : r.layout) {
      const std::string words = row.words + " (" + std::to_string(row.clips) + ")";
      std::snprintf(line, sizeof line, "  %-30s %14s %14s %9s   %s / %s / %s\n", words.c_str(),
                    fixed(row.words_swapped, 2).c_str(), fixed(row.seed_swapped, 2).c_str(),
                    fixed(row.steering(), 2).c_str(), fixed(row.world_words_swapped, 2).c_str(),
                    fixed(row.world_seed_swapped, 2).c_str(), fixed(row.world_steering(), 2).c_str());
      out << line;
    }
  }
  if (!r.caption_use.empty()) {
    out << "\ncaption use: velocity loss on " << r.caption_use.front().clips
        << " world clips per dimension, the caption naming its value / another value / none;\n"
        << "  whole clip, then its mean per channel (colours and light)\n";
    for (const CaptionUseRow& row : r.caption_use) {
      char line[200];
      std::snprintf(line, sizeof line, "  t=%.2f %-12s %8.4f %8.4f %8.4f  gain %+5.1f%%   mean %7.4f %7.4f %7.4f  gain %+6.1f%%\n",
                    row.t, row.dimension.c_str(), row.loss_true, row.loss_swapped, row.loss_absent, 100.0 * row.gain(),
                    row.mean_true, row.mean_swapped, row.mean_absent, 100.0 * row.mean_gain());
      out << line;
    }
  }
  if (r.seconds_per_shot)
    out << "speed: one " << o.speed_frames << "-frame " << o.width << "x" << o.height << " shot at " << o.steps
        << " steps: " << fixed(*r.seconds_per_shot, 1) << " s\n";
  out << "evaluation took " << fixed(r.seconds, 0) << " s\n";
  return out.str();
}

}  // namespace shotgen::train
