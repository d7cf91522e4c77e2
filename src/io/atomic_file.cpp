#include "spikernn/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "spikernn/core/error.hpp"

namespace spikernn {
namespace fs = std::filesystem;

void check_writable_destination(const std::string& path) {
  const fs::path target(path);
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw FileNotFound("cannot write '" + path + "': folder '" + folder.string() +
                       "' does not exist");
  if (fs::is_directory(target, ec))
    throw FileError("cannot write '" + path + "': it is a directory");
  // A probe file, not access(2) alone: root passes access() for folders that still refuse new
  // files (read-only mounts, /proc).
  const std::string probe = temporary_name_for(path);
  const int fd = ::access(folder.c_str(), W_OK) == 0
                     ? ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600)
                     : -1;
  if (fd < 0)
    throw FileError("cannot write '" + path + "': folder '" + folder.string() +
                    "' is not writable");
  ::close(fd);
  ::unlink(probe.c_str());
}

std::string temporary_name_for(const std::string& target) {
  const fs::path path(target);
  std::random_device rd;
  std::ostringstream name;
  name << "." << path.filename().string() << ".tmp-" << ::getpid() << "-" << std::hex << rd();
  return (path.parent_path() / name.str()).string();
}

void commit_temporary(const std::string& temporary, const std::string& target,
                      std::optional<fs::perms> permissions) {
  std::error_code ec;
  try {
    if (permissions) fs::permissions(temporary, *permissions);
    const int fd = ::open(temporary.c_str(), O_RDONLY);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    if (!synced) throw FileError("cannot write '" + target + "': flushing to disk failed");
    // Fault point of tests/test_fault_injection.cpp: stop with the new file complete but not in
    // place, so that the test kills the process inside the write, where a crash hurts most.
    if (const char* point = std::getenv("SPIKERNN_FAULT_POINT");
        point != nullptr && std::string(point) == "before-rename")
      ::raise(SIGSTOP);
    fs::rename(temporary, target);
  } catch (const fs::filesystem_error& e) {
    fs::remove(temporary, ec);
    throw FileError("cannot write '" + target + "': " + e.code().message());
  } catch (...) {
    fs::remove(temporary, ec);
    throw;
  }
}

void write_text_file(const std::string& path, const std::string& text) {
  check_writable_destination(path);
  const std::string temporary = temporary_name_for(path);
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(temporary, ec);
      throw FileError("cannot write '" + path + "': writing failed (disk full?)");
    }
  }
  commit_temporary(temporary, path);
}

}  // namespace spikernn
