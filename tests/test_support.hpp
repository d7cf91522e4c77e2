// Helpers shared by the tests: paths into the source tree and scratch folders.
#pragma once

#include <ftw.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "spikernn/core/rate_model.hpp"
#include "spikernn/io/mat_file.hpp"
#include "spikernn/spikernn.hpp"

namespace spikernn::testing {

// A file of the source folder: SPIKERNN_SOURCE_DIR in the environment when set (a build run from
// another copy of the repository, as tools/gpu_check.sh runs it), else the folder built from.
inline std::string source_path(const std::string& relative) {
  const char* dir = std::getenv("SPIKERNN_SOURCE_DIR");
  return std::string(dir != nullptr && *dir != '\0' ? dir : SPIKERNN_SOURCE_DIR) + "/" + relative;
}

inline const std::string kGoNoGoModel = source_path("models/go_nogo_N200_taus4-20_sigmoid.mat");

// The shipped Go-NoGo model, loaded once.
inline const RateModel& go_nogo_model() {
  static const RateModel m = load_rate_model(kGoNoGoModel);
  return m;
}

// A config on `device` with the engine, noise and dtype named as in a config file.
inline SpikingConfig spiking_config(const std::string& device, const std::string& engine,
                                    const std::string& noise, const std::string& dtype) {
  SpikingConfig c;
  c.device = device;
  c.engine = enum_value(engine_names(), engine, "engine");
  c.noise = enum_value(noise_names(), noise, "noise");
  c.dtype = enum_value(float_type_names(), dtype, "dtype");
  return c;
}

// A Go-NoGo trial of 61 columns scored late: short enough for grid searches in unit tests.
inline const nlohmann::json kShortGoNoGo = {
    {"columns", 61}, {"stim_on", 20}, {"stim_dur", 10}, {"score_from_step", 3500}};

// A fresh, empty folder removed when the object goes away.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "spikernn-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  // nftw, not std::filesystem::remove_all: the LibTorch 2.x in PyPI's torch wheel exports its
  // own copy of std::filesystem, and its remove_all crashes when it wins the symbol lookup.
  ~ScratchDir() {
    ::nftw(
        path_.c_str(),
        [](const char* file, const struct stat*, int, struct FTW*) { return ::remove(file); }, 16,
        FTW_DEPTH | FTW_PHYS);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CliRun {
  int status;
  std::string output;  // stdout and stderr together
};

// Runs `command` with /bin/sh, its output captured in a log inside `dir`.
inline CliRun run_shell(const std::string& command, const ScratchDir& dir) {
  const std::string log = dir.file("cli.log");
  const int raw = std::system(("(" + command + ") > '" + log + "' 2>&1").c_str());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, text.str()};
}

// Runs the `spikernn` executable built with the tests.
inline CliRun run_cli(const std::string& arguments, const ScratchDir& dir) {
  return run_shell(std::string(SPIKERNN_CLI) + " " + arguments, dir);
}

// The variables of `model` as a MAT file holds them.
inline std::vector<MatVariable> variables_of(const RateModel& model) {
  return {{"w", model.w},
          {"w0", model.w0},
          {"w_in", model.w_in},
          {"w_out", model.w_out},
          {"m", model.m},
          {"som_m", model.som_m},
          {"inh", model.inh},
          {"exc", model.exc},
          {"taus", model.taus},
          {"taus_gaus", model.taus_gaus},
          {"taus_gaus0", model.taus_gaus0},
          {"N", torch::tensor(model.N)}};
}

// The message of the exception `statement` throws as type `E`, or a failure if it throws none.
#define SPIKERNN_ERROR_MESSAGE(statement, E)          \
  [&]() -> std::string {                              \
    try {                                             \
      statement;                                      \
    } catch (const E& e) {                            \
      return e.what();                                \
    }                                                 \
    ADD_FAILURE() << #statement " did not throw " #E; \
    return "";                                        \
  }()

}  // namespace spikernn::testing
