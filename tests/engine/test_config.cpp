#include <gtest/gtest.h>

#include <sys/stat.h>

#include "core/error.h"
#include "engine/model/config.h"
#include "support/test_support.h"
#include "tiny_model.h"

using namespace shotgen;
using namespace shotgen::engine;

TEST(ModelConfigFile, RoundTripsThroughConfigJsonAndVocab) {
  shotgen::testing::TempDir dir;
  ModelConfig config = test_models::tiny_config();
  config.training_json = R"({"steps":100})";
  save_model_config(config, dir.path());
  const ModelConfig back = load_model_config(dir.path());
  EXPECT_EQ(model_config_json(back), model_config_json(config));
  EXPECT_EQ(back.vocabulary, config.vocabulary);
  EXPECT_EQ(back.trained_sizes, config.trained_sizes);
  EXPECT_EQ(back.context_length(), 16 + 2 * 4 * 2);
}

TEST(ModelConfigFile, UnknownKeyWrongTypeAndBadValuesAreErrors) {
  shotgen::testing::TempDir dir;
  save_model_config(test_models::tiny_config(), dir.path());
  auto expect_error = [&](const std::string& json, const std::string& fragment) {
    shotgen::testing::write_text(dir.path() / "config.json", json);
    try {
      load_model_config(dir.path());
      FAIL() << "expected error with " << fragment;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos) << e.what();
    }
  };
  expect_error(R"({"widht": 64})", "unknown key 'widht'");
  expect_error(R"({"width": "wide"})", "key 'width' has the wrong type");
  expect_error(R"({"width": 30, "heads": 4})", "width must be");
  expect_error(R"({"mlp_depthwise_kernel": 2})", "mlp_depthwise_kernel must be 0 (none) or an odd size");
  expect_error(R"({"reference_groups": ["palette", "mood"]})", "unknown reference group 'mood'");
  expect_error("{oops", "invalid JSON");
  expect_error(R"({"width": 1e999999})", "invalid JSON");  // out_of_range in nlohmann, not parse_error
}

TEST(ModelConfigFile, MissingDirectoryNamesTheFix) {
  try {
    load_model_config("/nonexistent/model");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--model"), std::string::npos);
  }
}

TEST(ModelConfigFile, ConfigWithoutDepthwiseKernelLoadsAsNone) {
  shotgen::testing::TempDir dir;
  save_model_config(test_models::tiny_config(), dir.path());
  shotgen::testing::write_text(dir.path() / "config.json", R"({"width": 64, "heads": 4})");
  EXPECT_EQ(load_model_config(dir.path()).mlp_depthwise_kernel, 0);  // models saved before the key existed
}

TEST(ModelConfigFile, LatentKeysRoundTripAndPixelConfigsStayAsBefore) {
  shotgen::testing::TempDir dir;
  save_model_config(test_models::tiny_latent_config(), dir.path());
  const ModelConfig back = load_model_config(dir.path());
  EXPECT_TRUE(back.is_latent());
  EXPECT_EQ(back.latent_channels, 8);
  EXPECT_EQ(back.latent_factor, 4);
  EXPECT_EQ(back.autoencoder_width, 16);
  EXPECT_EQ(back.data_channels(), 8);
  EXPECT_EQ(back.pixels_per_patch(), 8);
  // A pixel-space config (every model before v3) writes none of the latent keys and loads as pixels.
  const std::string pixel_json = model_config_json(test_models::tiny_config());
  EXPECT_EQ(pixel_json.find("latent"), std::string::npos);
  EXPECT_EQ(pixel_json.find("autoencoder"), std::string::npos);
  shotgen::testing::write_text(dir.path() / "config.json", R"({"width": 64, "heads": 4})");
  EXPECT_FALSE(load_model_config(dir.path()).is_latent());
}

TEST(ModelConfigFile, PooledWordsRoundTripsAndConfigsWithoutItStayAsBefore) {
  shotgen::testing::TempDir dir;
  ModelConfig config = test_models::tiny_config();
  EXPECT_EQ(model_config_json(config).find("pooled_words"), std::string::npos);
  config.pooled_words = true;
  save_model_config(config, dir.path());
  EXPECT_TRUE(load_model_config(dir.path()).pooled_words);
  shotgen::testing::write_text(dir.path() / "config.json", R"({"width": 64, "heads": 4})");
  EXPECT_FALSE(load_model_config(dir.path()).pooled_words);
  shotgen::testing::write_text(dir.path() / "config.json", R"({"pooled_words": 1})");
  try {
    load_model_config(dir.path());
    FAIL() << "a number is not a flag";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("key 'pooled_words' has the wrong type"), std::string::npos) << e.what();
  }
}

TEST(ModelConfigFile, SamplingShiftRoundTripsDefaultsToOneAndIsChecked) {
  shotgen::testing::TempDir dir;
  ModelConfig config = test_models::tiny_config();
  EXPECT_EQ(model_config_json(config).find("sampling_shift"), std::string::npos);  // 1: written as before
  config.sampling_shift = 3.0;
  save_model_config(config, dir.path());
  EXPECT_DOUBLE_EQ(load_model_config(dir.path()).sampling_shift, 3.0);
  shotgen::testing::write_text(dir.path() / "config.json", R"({"width": 64, "heads": 4})");
  EXPECT_DOUBLE_EQ(load_model_config(dir.path()).sampling_shift, 1.0);  // models from before the key
  for (const char* bad : {R"({"sampling_shift": 0})", R"({"sampling_shift": 1000})"}) {
    shotgen::testing::write_text(dir.path() / "config.json", bad);
    try {
      load_model_config(dir.path());
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("sampling_shift must be in (0, 100]"), std::string::npos) << e.what();
    }
  }
}

TEST(ModelConfigFile, FrameNoiseCorrelationRoundTripsDefaultsToZeroAndIsChecked) {
  shotgen::testing::TempDir dir;
  ModelConfig config = test_models::tiny_config();
  EXPECT_EQ(model_config_json(config).find("frame_noise_correlation"), std::string::npos);  // 0: as before
  config.frame_noise_correlation = 0.5;
  save_model_config(config, dir.path());
  EXPECT_DOUBLE_EQ(load_model_config(dir.path()).frame_noise_correlation, 0.5);
  shotgen::testing::write_text(dir.path() / "config.json", R"({"width": 64, "heads": 4})");
  EXPECT_DOUBLE_EQ(load_model_config(dir.path()).frame_noise_correlation, 0.0);  // models from before the key
  for (const char* bad : {R"({"frame_noise_correlation": -0.1})", R"({"frame_noise_correlation": 1})"}) {
    shotgen::testing::write_text(dir.path() / "config.json", bad);
    try {
      load_model_config(dir.path());
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("frame_noise_correlation must be in [0, 1)"), std::string::npos) << e.what();
    }
  }
}

TEST(ModelConfigFile, NoiseFollowsCameraRoundTripsDefaultsToOffAndNeedsACorrelation) {
  shotgen::testing::TempDir dir;
  ModelConfig config = test_models::tiny_config();
  EXPECT_EQ(model_config_json(config).find("noise_follows_camera"), std::string::npos);  // off: as before
  config.frame_noise_correlation = 0.5;
  config.noise_follows_camera = true;
  save_model_config(config, dir.path());
  EXPECT_TRUE(load_model_config(dir.path()).noise_follows_camera);
  shotgen::testing::write_text(dir.path() / "config.json", R"({"frame_noise_correlation": 0.5})");
  EXPECT_FALSE(load_model_config(dir.path()).noise_follows_camera);
  shotgen::testing::write_text(dir.path() / "config.json", R"({"noise_follows_camera": true})");
  try {
    load_model_config(dir.path());
    FAIL() << "noise_follows_camera without a correlation was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("noise_follows_camera needs a frame_noise_correlation"), std::string::npos)
        << e.what();
  }
}

TEST(ModelConfigFile, CameraNoiseSubCellsRoundTripDefaultToWholeCellsAndNeedTheMovingNoise) {
  shotgen::testing::TempDir dir;
  ModelConfig config = test_models::tiny_config();
  EXPECT_EQ(model_config_json(config).find("camera_noise_subcells"), std::string::npos);  // 1: as before
  config.frame_noise_correlation = 0.5;
  config.noise_follows_camera = true;
  config.camera_noise_subcells = 4;
  save_model_config(config, dir.path());
  EXPECT_EQ(load_model_config(dir.path()).camera_noise_subcells, 4);
  const auto refused = [&](const std::string& text, const std::string& message) {
    shotgen::testing::write_text(dir.path() / "config.json", text);
    try {
      load_model_config(dir.path());
      ADD_FAILURE() << text << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  };
  refused(R"({"frame_noise_correlation": 0.5, "camera_noise_subcells": 4})", "needs noise_follows_camera");
  refused(R"({"frame_noise_correlation": 0.5, "noise_follows_camera": true, "camera_noise_subcells": 0})",
          "camera_noise_subcells must be in [1, 8]");
}

TEST(ModelConfigFile, CompoundWordsRoundTripAddTokensAndAreChecked) {
  shotgen::testing::TempDir dir;
  ModelConfig config = test_models::tiny_config();
  const int plain_size = config.vocabulary_size();
  EXPECT_EQ(model_config_json(config).find("compound_words"), std::string::npos);  // none: written as before
  config.compound_words = {"golden-hour", "low-key"};
  EXPECT_EQ(config.vocabulary_size(), plain_size + 2);
  save_model_config(config, dir.path());
  EXPECT_EQ(load_model_config(dir.path()).compound_words, config.compound_words);
  shotgen::testing::write_text(dir.path() / "config.json", R"({"width": 64, "heads": 4})");
  EXPECT_TRUE(load_model_config(dir.path()).compound_words.empty());  // models from before the key
  for (const char* bad : {R"({"compound_words": ["lowkey"]})", R"({"compound_words": ["Low-key"]})",
                          R"({"compound_words": ["low--key"]})", R"({"compound_words": ["low-key", "low-key"]})"}) {
    shotgen::testing::write_text(dir.path() / "config.json", bad);
    try {
      load_model_config(dir.path());
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("compound_words entry"), std::string::npos) << e.what();
    }
  }
}

TEST(ModelConfigFile, LatentKeysOutOfRangeAreErrors) {
  shotgen::testing::TempDir dir;
  save_model_config(test_models::tiny_config(), dir.path());
  auto expect_error = [&](const std::string& json, const std::string& fragment) {
    shotgen::testing::write_text(dir.path() / "config.json", json);
    try {
      load_model_config(dir.path());
      FAIL() << "expected error with " << fragment;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  expect_error(R"({"latent_channels": 8, "latent_factor": 3})", "latent_factor must be 4 or 8");
  expect_error(R"({"latent_channels": -1})", "latent_channels must be in [0, 64]");
  expect_error(R"({"latent_channels": 8, "autoencoder_width": 12})", "autoencoder_width must be a multiple of 8");
  expect_error(R"({"latent_channels": 8, "latent_factor": 8, "patch_size": 4})", "latent_factor × patch_size must divide 16");
}

TEST(ModelConfigFile, TheVocabularyStaysInsideTheModelDirectory) {
  shotgen::testing::TempDir dir;
  const auto model = dir.path() / "model";
  save_model_config(test_models::tiny_config(), model);
  shotgen::testing::write_text(dir.path() / "secret.txt", "first line of a private file\n");
  for (const std::string& vocab : {std::string("../secret.txt"), (dir.path() / "secret.txt").string()}) {
    shotgen::testing::write_text(model / "config.json", R"({"vocab_file": ")" + vocab + R"("})");
    try {
      load_model_config(model);
      FAIL() << vocab;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("outside the model directory"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("private"), std::string::npos) << e.what();
    }
  }
  std::filesystem::create_symlink(dir.path() / "secret.txt", model / "linked.txt");
  shotgen::testing::write_text(model / "config.json", R"({"vocab_file": "linked.txt"})");
  EXPECT_THROW(load_model_config(model), Error);
  // A FIFO in place of the vocabulary is refused, not read (reading it would block).
  shotgen::testing::write_text(model / "config.json", R"({"vocab_file": "fifo.txt"})");
  ASSERT_EQ(mkfifo((model / "fifo.txt").c_str(), 0600), 0);
  try {
    load_model_config(model);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
  }
}

TEST(ModelConfigFile, CountsMustBeWholeNumbersInRange) {
  shotgen::testing::TempDir dir;
  save_model_config(test_models::tiny_config(), dir.path());
  for (const std::string& json : {std::string(R"({"hash_buckets": 1e12})"), std::string(R"({"hash_buckets": 2.5})"),
                                  std::string(R"({"hash_buckets": 99999999999})")}) {
    shotgen::testing::write_text(dir.path() / "config.json", json);
    try {
      load_model_config(dir.path());
      FAIL() << json;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("hash_buckets"), std::string::npos) << e.what();
    }
  }
  shotgen::testing::write_text(dir.path() / "config.json", R"({"hash_buckets": 2000000})");
  EXPECT_THROW(load_model_config(dir.path()), Error);
}
