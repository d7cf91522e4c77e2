// Fault injection: a write that fails midway, a folder that refuses new files and a process
// killed inside the write-back of a grid search never leave a damaged model or a partial output.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "spikernn/core/error.hpp"
#include "spikernn/io/mat_file.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

namespace fs = std::filesystem;
using testing::kGoNoGoModel;
using testing::ScratchDir;

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

std::string writable_copy(const ScratchDir& dir) {
  const std::string path = dir.file("model.mat");
  fs::copy_file(kGoNoGoModel, path);
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  return path;
}

// Runs `body` in a child process whose files cannot grow beyond `limit` bytes (RLIMIT_FSIZE), so
// that a write crossing it fails with EFBIG as on a full disk. The child exits 0 when `body`
// throws FileError, 1 when it returns, 2 for any other exception.
int with_file_size_limit(rlim_t limit, const std::function<void()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit r{limit, limit};
    ::setrlimit(RLIMIT_FSIZE, &r);
    int code = 1;
    try {
      body();
    } catch (const FileError&) {
      code = 0;
    } catch (...) {
      code = 2;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(FaultInjection, UpdateFailingMidwayLeavesTheModelByteForByte) {
  ScratchDir dir;
  const std::string model = writable_copy(dir);
  const std::string before = bytes_of(model);
  const std::vector<MatVariable> update{{"opt_scaling_factor", torch::tensor(20.0)}};
  EXPECT_EQ(with_file_size_limit(256 * 1024, [&] { update_mat_file(model, update); }), 0);
  EXPECT_TRUE(bytes_of(model) == before) << "the model changed";
  EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{"model.mat"}) << "no temporary left";
}

TEST(FaultInjection, NewFileFailingMidwayLeavesNoFile) {
  ScratchDir dir;
  const std::vector<MatVariable> big{{"REC", torch::rand({200, 2000}, torch::kFloat64)}};
  EXPECT_EQ(with_file_size_limit(64 * 1024, [&] { write_mat_file(dir.file("out.mat"), big); }), 0);
  EXPECT_TRUE(files_in(dir.path()).empty());
}

TEST(FaultInjection, FolderThatRefusesNewFilesLeavesTheModelUntouched) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders";
  ScratchDir dir;
  const std::string model = writable_copy(dir);
  const std::string before = bytes_of(model);
  fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(update_mat_file(model, {{"opt_scaling_factor", torch::tensor(20.0)}}), FileError);
  fs::permissions(dir.path(), fs::perms::owner_all);
  EXPECT_TRUE(bytes_of(model) == before) << "the model changed";
  EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{"model.mat"});
}

TEST(FaultInjection, GridSearchKilledInsideTheWriteBackLeavesTheModelUntouched) {
  ScratchDir dir;
  const std::string model = writable_copy(dir);
  const std::string before = bytes_of(model);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string log = dir.file("../spikernn-killed-grid.log");
    ::freopen(log.c_str(), "w", stderr);
    ::setenv("SPIKERNN_FAULT_POINT", "before-rename", 1);
    ::execl(SPIKERNN_CLI, SPIKERNN_CLI, "grid-search", "--model", model.c_str(), "--trials", "4",
            "--scaling-factors", "20,25", "--noise", "fast", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // The search stops itself once the rewritten model is complete under its temporary name.
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, WUNTRACED), pid);
  ASSERT_TRUE(WIFSTOPPED(status)) << "the search ended without reaching the write-back";
  std::vector<std::string> files = files_in(dir.path());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].rfind(".model.mat.tmp-", 0), 0u) << "the new model, not yet renamed";
  ::kill(pid, SIGKILL);
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(bytes_of(model) == before) << "the model changed";
  EXPECT_EQ(MatReader(model).has("opt_scaling_factor"), false);

  // Without the fault point the same search does write its result.
  EXPECT_EQ(
      testing::run_cli(
          "grid-search --model " + model + " --trials 4 --scaling-factors 20,25 --noise fast", dir)
          .status,
      0);
  EXPECT_TRUE(MatReader(model).has("opt_scaling_factor"));
}

}  // namespace
}  // namespace spikernn
