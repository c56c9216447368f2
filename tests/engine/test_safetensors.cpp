#include <gtest/gtest.h>

#include <cstring>

#include "core/error.h"
#include "engine/io/safetensors.h"
#include "support/test_support.h"

using namespace shotgen;
using namespace shotgen::engine;

namespace {

TensorBytes make_tensor(DType dtype, std::vector<std::int64_t> shape, const std::vector<float>& values) {
  TensorBytes t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  for (float v : values) {
    if (dtype == DType::F32) {
      char bytes[4];
      std::memcpy(bytes, &v, 4);
      t.bytes.append(bytes, 4);
    } else {
      const std::uint16_t bits = dtype == DType::F16 ? float_to_half(v) : float_to_bfloat16(v);
      t.bytes.push_back(static_cast<char>(bits & 0xff));
      t.bytes.push_back(static_cast<char>(bits >> 8));
    }
  }
  return t;
}

SafetensorsFile sample_file() {
  SafetensorsFile file;
  file.tensors["a.weight"] = make_tensor(DType::F32, {2, 3}, {1, -2, 3.5f, 0, 1e-3f, -7});
  file.tensors["b.half"] = make_tensor(DType::F16, {3}, {0.5f, -1.25f, 1024});
  file.tensors["c.bf16"] = make_tensor(DType::BF16, {2, 1}, {3.0f, -0.15625f});
  file.metadata["format"] = "pt";
  return file;
}

// A hand-built file: header JSON + data section.
std::string build(const std::string& header, const std::string& data) {
  std::string out;
  std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return out + header + data;
}

void expect_error(const std::string& bytes, const std::string& fragment) {
  try {
    parse_safetensors(bytes, "broken.safetensors");
    FAIL() << "expected an error containing '" << fragment << "'";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("broken.safetensors"), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

}  // namespace

TEST(Safetensors, RoundTripsF32F16Bf16AndMetadata) {
  shotgen::testing::TempDir dir;
  const SafetensorsFile file = sample_file();
  write_safetensors(dir.path() / "w.safetensors", file);
  const SafetensorsFile back = read_safetensors(dir.path() / "w.safetensors");
  ASSERT_EQ(back.tensors.size(), 3u);
  for (const auto& [name, tensor] : file.tensors) {
    const TensorBytes& other = back.tensors.at(name);
    EXPECT_EQ(other.dtype, tensor.dtype) << name;
    EXPECT_EQ(other.shape, tensor.shape) << name;
    EXPECT_EQ(other.bytes, tensor.bytes) << name;
  }
  EXPECT_EQ(back.metadata.at("format"), "pt");
  // Data section is 8-byte aligned.
  const std::string bytes = serialize_safetensors(file);
  std::uint64_t header = 0;
  std::memcpy(&header, bytes.data(), 8);
  EXPECT_EQ(header % 8, 0u);
}

TEST(Safetensors, HalfAndBfloat16ConversionsRoundCorrectly) {
  for (float v : {0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f, 0.333251953125f})
    EXPECT_EQ(half_to_float(float_to_half(v)), v) << v;
  EXPECT_EQ(float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half(-2.0f), 0xc000);
  EXPECT_EQ(float_to_half(1e6f), 0x7c00);  // overflow → inf
  EXPECT_EQ(float_to_half(1.0f + 1.0f / 2048), 0x3c00);  // tie → even
  EXPECT_EQ(float_to_half(1.0f + 3.0f / 2048), 0x3c02);  // tie → even (up)
  EXPECT_EQ(float_to_bfloat16(1.0f), 0x3f80);
  EXPECT_EQ(bfloat16_to_float(float_to_bfloat16(-0.15625f)), -0.15625f);
  EXPECT_EQ(float_to_bfloat16(1.00390625f), 0x3f80);  // tie → even
  EXPECT_NEAR(bfloat16_to_float(float_to_bfloat16(3.14159f)), 3.14159f, 0.01f);
}

TEST(Safetensors, RejectsFileShorterThanHeaderLength) { expect_error("abc", "shorter than the 8-byte"); }

TEST(Safetensors, RejectsHeaderLengthBeyondFile) {
  std::string bytes = build("{}", "");
  bytes[0] = 100;
  expect_error(bytes, "beyond the end of the file");
}

TEST(Safetensors, RejectsInvalidJson) { expect_error(build("{not json", ""), "not valid JSON"); }

// Found by fuzz_safetensors: a number beyond a double is nlohmann's out_of_range, not a parse_error,
// and escaped the reader as an uncaught exception.
TEST(Safetensors, RejectsANumberTooLargeForADouble) { expect_error(build("1e999999", ""), "not valid JSON"); }

TEST(Safetensors, RejectsUnknownDtype) {
  expect_error(build(R"({"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", std::string(8, '\0')),
               "tensor 'x'");
  expect_error(build(R"({"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", std::string(8, '\0')),
               "unsupported dtype");
}

TEST(Safetensors, RejectsOffsetsOutOfRange) {
  expect_error(build(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", std::string(4, '\0')),
               "out of range");
}

TEST(Safetensors, RejectsOffsetsNotMatchingShape) {
  expect_error(build(R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::string(8, '\0')),
               "shape × dtype needs 12");
}

TEST(Safetensors, RejectsOverlappingTensors) {
  expect_error(build(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                     R"("y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                     std::string(12, '\0')),
               "overlaps");
}

TEST(Safetensors, RejectsGapsAndTrailingBytes) {
  expect_error(build(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", std::string(8, '\0')), "gap of 4");
  expect_error(build(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", std::string(9, '\0')),
               "5 trailing bytes");
}

TEST(Safetensors, RejectsMissingFieldsAndBadMetadata) {
  expect_error(build(R"({"x":{"dtype":"F32","shape":[1]}})", std::string(4, '\0')), "data_offsets");
  expect_error(build(R"({"__metadata__":{"a":1}})", ""), "not a string");
}

TEST(Safetensors, TruncatedRealFileIsRejected) {
  std::string bytes = serialize_safetensors(sample_file());
  bytes.resize(bytes.size() - 3);
  expect_error(bytes, "out of range");
}
