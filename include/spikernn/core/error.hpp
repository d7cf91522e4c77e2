/// @file
/// Typed errors: every failure spikernn reports is one of these, with a message that names the file
/// or setting, the variable, what was expected and what was found.
#pragma once

#include <stdexcept>
#include <string>

namespace spikernn {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A file that is missing, unreadable, not a MAT file, or cannot be written.
class FileError : public Error {
 public:
  using Error::Error;
};

/// A file or folder that does not exist (Python: a FileNotFoundError).
class FileNotFound : public FileError {
 public:
  using FileError::FileError;
};

/// A MAT file whose variables are missing or have the wrong class, shape or values.
class ModelFormatError : public Error {
 public:
  using Error::Error;
};

/// A JSON config with bad syntax, an unknown key, a wrong type or an invalid value.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// An argument value that is out of range: λ, a stimulus, stimulation settings, a device.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

/// A long run stopped on request (Ctrl-C in the CLI); the message says how far it got.
class Interrupted : public Error {
 public:
  using Error::Error;
};

}  // namespace spikernn
