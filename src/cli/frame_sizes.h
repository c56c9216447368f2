#pragma once
// WIDTHxHEIGHT options (--size, --sizes) and the command line a training run records.
#include <string>
#include <vector>

#include "cli/command.h"
#include "engine/model/config.h"

namespace shotgen::cli {

// "128x64" → {128, 64}. Both sides must be multiples of `multiple` in [multiple, max_side];
// otherwise one error naming `option`.
engine::FrameSize parse_frame_size(const std::string& text, const std::string& option, int multiple = 16,
                                   int max_side = 1024);
// "128x64,64x32" → both (multiples of 16), at least one.
std::vector<engine::FrameSize> parse_frame_sizes(const std::string& text, const std::string& option);

// `prefix` followed by the options given on `command` in declaration order (recorded in training
// summaries so that the run can be reproduced).
std::string command_line_of(const CLI::App& command, const std::string& prefix);

}  // namespace shotgen::cli
