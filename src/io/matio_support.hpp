// What the MAT reader and writer share on top of matio: its handle types and a logger that keeps
// matio's complaints for our error messages instead of printing them.
#pragma once

#include <matio.h>

#include <memory>
#include <sstream>
#include <string>

namespace spikernn {

inline mat_t* as_mat(void* p) { return static_cast<mat_t*>(p); }

// matio reports problems through a logger that prints to stderr by default. Keep them quiet, and
// keep the last warning or error of this thread, so that our own message can quote it.
inline thread_local std::string matio_problem;

// A message on one line: HDF5's error stack, which matio passes on, comes as "HDF5 error #000 in
// H5Fclose()", then "file : ...", "major: ..." and "minor: ..." lines; it becomes "HDF5 error #000
// in H5Fclose(): Invalid arguments to routine: Inappropriate type".
inline std::string one_line(const std::string& message) {
  std::string line, out;
  std::istringstream lines(message);
  while (std::getline(lines, line)) {
    line.erase(0, line.find_first_not_of(" \t"));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (line.empty() || line.rfind("file :", 0) == 0 || line.rfind("file:", 0) == 0) continue;
    for (const char* label : {"major:", "minor:"})
      if (line.rfind(label, 0) == 0) line.erase(0, line.find_first_not_of(' ', 6));
    out += (out.empty() ? "" : ": ") + line;
  }
  return out;
}

inline void record_matio_log(int level, char* message) {
  constexpr int kWarningOrWorse = 4;  // matio: 1 error, 2 critical, 4 warning, 8 message, 16 debug
  if (level <= kWarningOrWorse && message != nullptr) matio_problem = one_line(message);
}

inline void install_matio_logger() {
  static const bool installed = [] {
    Mat_LogInitFunc("spikernn", record_matio_log);
    return true;
  }();
  (void)installed;
}

struct MatVarDeleter {
  void operator()(matvar_t* v) const { Mat_VarFree(v); }
};
using MatVarPtr = std::unique_ptr<matvar_t, MatVarDeleter>;

// "'PATH': variable 'NAME'", how errors name a variable.
inline std::string describe(const std::string& path, const std::string& name) {
  return "'" + path + "': variable '" + name + "'";
}

}  // namespace spikernn
