// Result<T>: a value or an Error. Every fallible call at a module boundary
// returns one; exceptions are kept for programming errors.
//
// An Error carries a machine code (stable, for --json and tests) and a message
// written for the person at the counter: it names what was wrong.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace loyalpos {

enum class ErrorCode {
  kInvalidInput,  // the caller gave something malformed (a scan, a CSV, a quantity, a config)
  kNotFound,      // no such thing (SKU, card, sale, file)
  kConflict,      // already done, or at odds with what is there (sale refunded twice)
  kCorrupt,       // stored data damaged (the event chain does not verify)
  kUnsupported,   // made by a newer version, or asks for what this build cannot do
  kUnavailable,   // held by someone else or not answering; trying again later may work
  kOverflow,      // arithmetic out of range
  kIo,            // file system or device failure
  kInternal,      // a bug
};

const char* error_code_name(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Error invalid(std::string m) { return {ErrorCode::kInvalidInput, std::move(m)}; }
  static Error not_found(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Error conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
  static Error overflow(std::string m) { return {ErrorCode::kOverflow, std::move(m)}; }
  static Error corrupt(std::string m) { return {ErrorCode::kCorrupt, std::move(m)}; }
  static Error unsupported(std::string m) { return {ErrorCode::kUnsupported, std::move(m)}; }
  static Error unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
  static Error io(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
  static Error internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const char* code_name() const { return error_code_name(code_); }

  // Prefixes context ("catalog.csv line 4: ") while keeping the code.
  Error with_context(const std::string& context) const { return {code_, context + message_}; }

 private:
  ErrorCode code_;
  std::string message_;
};

// Holds exactly one of T or Error. Access to the wrong alternative is a bug
// and throws std::bad_variant_access.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};

// Result of an operation that yields nothing but may fail.
using Status = Result<Ok>;

inline Status ok_status() { return Ok{}; }

}  // namespace loyalpos

// Returns the error of a failed Result from the enclosing function.
#define LOYALPOS_TRY(expr)                             \
  do {                                                 \
    auto&& _loyalpos_r = (expr);                       \
    if (!_loyalpos_r.ok()) return _loyalpos_r.error(); \
  } while (0)
