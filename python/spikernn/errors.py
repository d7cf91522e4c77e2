"""The exceptions spikernn raises: each derives from SpikernnError and from the standard exception
that fits, so that ``except ValueError`` and ``except FileNotFoundError`` catch what they would
catch from the port. The messages are the C++ library's: they name the file or setting, the
variable, what was expected and what was found."""

import builtins


class SpikernnError(Exception):
    """Base of every error spikernn raises."""


class FileError(SpikernnError, OSError):
    """A file that cannot be read or written, or is not a MAT file."""


class FileNotFoundError(FileError, builtins.FileNotFoundError):
    """A file or folder that does not exist."""


class ModelFormatError(SpikernnError, ValueError):
    """A model file whose variables are missing or have the wrong class, shape or values."""


class ConfigError(SpikernnError, ValueError):
    """A setting with an unknown name, a wrong type or an invalid value."""


class InvalidArgument(SpikernnError, ValueError):
    """An argument out of range: a scaling factor, a stimulus, stimulation settings, a device."""
