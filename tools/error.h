// Errors of the command-line tools. The library never throws; the tools' own code (file I/O,
// argument checks) does, and the program turns each error into one line on stderr.
#pragma once

#include <stdexcept>

namespace upsample_tools {

// A bad input file, a failed write or any other failure of a run: exit status 1.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A bad invocation (argument, option or option value): exit status 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace upsample_tools
