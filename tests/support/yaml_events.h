// Differential testing of the YAML fast path (frontend/yaml/fast_parse.h) against libyaml, shared
// by the unit test and the yaml_diff fuzz target. Header-only: test code stays out of the library.
#pragma once

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/yaml/event_stream.h"
#include "frontend/yaml/fast_parse.h"

namespace toscac::yaml::testing {

/// An event with its strings owned. Positions of document and stream events, and of collection
/// ends, are not compared: the tree builder never reads them.
struct OwnedEvent {
  EventType type;
  bool plain, flow;
  uint32_t line, col;
  std::string value, tag, anchor;

  explicit OwnedEvent(const Event& e)
      : type(e.type),
        plain(e.plain),
        flow(e.flow),
        line(e.line),
        col(e.col),
        value(e.value),
        tag(e.tag),
        anchor(e.anchor) {
    bool located = type == EventType::kScalar || type == EventType::kSequenceStart ||
                   type == EventType::kMappingStart || type == EventType::kAlias;
    if (!located) line = col = 0;
    if (type != EventType::kScalar) plain = false;
    if (type != EventType::kSequenceStart && type != EventType::kMappingStart) flow = false;
  }
  auto operator==(const OwnedEvent& o) const -> bool {
    return type == o.type && plain == o.plain && flow == o.flow && line == o.line && col == o.col &&
           value == o.value && tag == o.tag && anchor == o.anchor;
  }
};

inline auto Describe(const OwnedEvent& e) -> std::string {
  static constexpr const char* kNames[] = {"stream-start", "stream-end", "doc-start", "doc-end",
                                           "alias",        "scalar",     "seq-start", "seq-end",
                                           "map-start",    "map-end"};
  std::ostringstream out;
  out << kNames[static_cast<int>(e.type)] << ' ' << e.line << ':' << e.col
      << (e.plain ? " plain" : "") << (e.flow ? " flow" : "");
  if (e.type == EventType::kScalar) out << " [" << e.value << ']';
  return out.str();
}

/// libyaml's events up to the end of the stream, or nullopt when it reports an error.
inline auto LibyamlEvents(std::string_view text) -> std::optional<std::vector<OwnedEvent>> {
  EventStream stream(text, SIZE_MAX);
  std::vector<OwnedEvent> events;
  while (const Event* e = stream.Next()) events.emplace_back(*e);
  if (stream.error()) return std::nullopt;
  return events;
}

class Recorder final : public internal::EventConsumer {
 public:
  auto OnEvent(const Event& event) -> bool override {
    events.emplace_back(event);
    return true;
  }
  std::vector<OwnedEvent> events;
};

/// What the fast path made of `text`: its events, or nullopt when it declined.
inline auto FastEvents(std::string_view text) -> std::optional<std::vector<OwnedEvent>> {
  Recorder recorder;
  if (internal::FastParse(text, recorder) != internal::FastResult::kDone) return std::nullopt;
  return std::move(recorder.events);
}

/// Empty when the fast path declined or agreed with libyaml; otherwise what differs. The fast
/// path accepting text that libyaml rejects is a difference too.
inline auto Difference(std::string_view text) -> std::string {
  auto fast = FastEvents(text);
  if (!fast) return {};
  auto reference = LibyamlEvents(text);
  if (!reference) return "fast path accepted text that libyaml rejects";
  size_t n = std::min(fast->size(), reference->size());
  for (size_t i = 0; i < n; ++i) {
    if (!((*fast)[i] == (*reference)[i])) {
      return "event " + std::to_string(i) + ": fast " + Describe((*fast)[i]) + ", libyaml " +
             Describe((*reference)[i]);
    }
  }
  if (fast->size() != reference->size()) {
    return "fast path gave " + std::to_string(fast->size()) + " events, libyaml " +
           std::to_string(reference->size());
  }
  return {};
}

}  // namespace toscac::yaml::testing
