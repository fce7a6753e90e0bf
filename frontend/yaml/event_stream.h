// libyaml's event parser as a stream of compact events. For large inputs the parser runs on its
// own thread, so that building the tree (on the caller's thread) overlaps with parsing.
// Internal to the yaml library: the only other file that includes <yaml.h> is event_stream.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace toscac::yaml {

enum class EventType : uint8_t {
  kStreamStart,
  kStreamEnd,
  kDocumentStart,
  kDocumentEnd,
  kAlias,
  kScalar,
  kSequenceStart,
  kSequenceEnd,
  kMappingStart,
  kMappingEnd,
};

/// One event. Strings view a buffer that stays valid until the next call to Next().
struct Event {
  EventType type = EventType::kStreamEnd;
  bool plain = false;  // a plain scalar
  bool flow = false;   // a flow collection (`{...}`, `[...]`)
  uint32_t line = 0;   // 1-based start position
  uint32_t col = 0;
  std::string_view value;   // scalar text
  std::string_view tag;     // scalar tag, if any
  std::string_view anchor;  // anchor of a scalar or collection, or the alias's target
};

/// What libyaml said when it stopped.
struct ParserError {
  bool reader_error = false;  // bad encoding; only `offset` is meaningful
  std::string problem;
  std::string context;
  uint32_t line = 0, col = 0;
  uint32_t context_line = 0, context_col = 0;
  size_t offset = 0;
};

class EventStream {
 public:
  /// `text` must outlive the stream. Inputs of at least `thread_threshold` bytes are parsed on a
  /// second thread.
  explicit EventStream(std::string_view text, size_t thread_threshold = 1 << 20);
  ~EventStream();  // stops the parser thread, if any, and waits for it
  EventStream(const EventStream&) = delete;
  auto operator=(const EventStream&) -> EventStream& = delete;

  /// The next event, or nullptr when the stream ended or failed (see error()).
  auto Next() -> const Event*;
  auto error() const -> const std::optional<ParserError>& { return error_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::optional<ParserError> error_;
};

}  // namespace toscac::yaml
