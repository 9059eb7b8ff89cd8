// Names of event decoding errors, as shown in skip reports.
#include "runtime/decoder/decoder.h"

namespace rulec::rt {

const char* to_string(DecodeError e) {
  switch (e) {
    case DecodeError::None: return "ok";
    case DecodeError::BadJson: return "invalid JSON";
    case DecodeError::NotObject: return "not a JSON object";
    case DecodeError::BadUtf8: return "invalid UTF-8";
    case DecodeError::TooLong: return "line too long";
    case DecodeError::TooDeep: return "nesting too deep";
    case DecodeError::Empty: return "empty line";
  }
  return "?";
}

}  // namespace rulec::rt
