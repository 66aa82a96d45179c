// Every call of the library returns a Status: nothing throws and nothing aborts on bad input.
#pragma once

#include <string>
#include <utility>

namespace upsample {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,  // a shape, dtype, stride, option or pointer the operator cannot accept
  kUnsupported = 2,      // valid, but this build has no kernel for it
  kOutOfRange = 3,       // sizes whose element or byte counts overflow, indices out of bounds
  kInternal = 4,     // a kernel reported an error after validation passed (a bug: please report)
  kUnavailable = 5,  // the device the call is to run on is missing at run time (no GPU, no driver)
};

const char* status_code_name(StatusCode code);

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // One line naming the operator, the argument and the problem; empty when ok().
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace upsample
