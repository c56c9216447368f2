#include "train/loss_log.h"

#include <sstream>
#include <string>

#include "core/atomic_file.h"
#include "core/error.h"

namespace shotgen::train {

LossLog::LossLog(const std::filesystem::path& path, std::int64_t resume_step, bool resume) {
  std::string kept = "step,loss,ema_loss,lr,seconds\n";
  if (resume && std::filesystem::exists(path)) {
    std::istringstream lines(read_file(path));
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      const std::int64_t step = std::stoll(line.substr(0, line.find(',')));
      if (step <= resume_step) kept += line + "\n";
    }
  }
  write_file_atomic(path, kept);
  out_.open(path, std::ios::app);
  if (!out_) throw Error("cannot append to the loss log", path.string(), "check the output directory's permissions");
}

void LossLog::append(std::int64_t step, double loss, double ema_loss, double learning_rate, double seconds) {
  char seconds_text[32];
  std::snprintf(seconds_text, sizeof seconds_text, "%.1f", seconds);
  out_ << step << ',' << loss << ',' << ema_loss << ',' << learning_rate << ',' << seconds_text << '\n' << std::flush;
}

}  // namespace shotgen::train
