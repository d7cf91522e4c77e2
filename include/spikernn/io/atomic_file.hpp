/// @file
/// Writing outputs so that a failure never leaves a partial or damaged file: everything is written
/// to a temporary name in the destination's folder, flushed to disk, then renamed over it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace spikernn {

/// Throws FileError unless a file can be created at `path` (its folder exists and is writable,
/// and `path` is not a folder), so that long runs fail before they start rather than at the end.
void check_writable_destination(const std::string& path);

/// A fresh temporary name in the folder of `target`: ".NAME.tmp-PID-RANDOM".
std::string temporary_name_for(const std::string& target);

/// Flushes `temporary` to disk (with `permissions`, if given) and renames it over `target`.
void commit_temporary(const std::string& temporary, const std::string& target,
                      std::optional<std::filesystem::perms> permissions = std::nullopt);

/// Writes `text` to `path` through a temporary file.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace spikernn
