#include "loyalty/result.h"

namespace loyalpos {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
      return "invalid_input";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kNoLedger:
      return "no_ledger";
    case ErrorCode::kCorrupt:
      return "corrupt";
    case ErrorCode::kTooNew:
      return "too_new";
    case ErrorCode::kBusy:
      return "busy";
    case ErrorCode::kOverflow:
      return "overflow";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace loyalpos
