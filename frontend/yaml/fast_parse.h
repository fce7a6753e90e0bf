// A fast path in front of libyaml for the YAML that blueprints are made of. Internal to the yaml
// library.
//
// libyaml spends most of its time on generality that blueprints rarely use. This parser accepts
// only a plain subset — block maps and sequences, single-line plain and quoted scalars, single-line
// flow collections, comments — and produces exactly the events libyaml would (same values, styles
// and positions). Anything outside the subset, and anything it is not sure of, makes it stop with
// kUnsupported; the caller then discards what it built and parses with libyaml. It never reports a
// problem itself, so every diagnostic still comes from libyaml. tests/unit/fast_parse_test.cc and
// the yaml_diff fuzz target compare the two on the same inputs.
#pragma once

#include <string_view>

#include "frontend/yaml/event_stream.h"

namespace toscac::yaml::internal {

/// Receives events; returns false to stop the parse (the consumer saw enough, e.g. an error).
class EventConsumer {
 public:
  virtual ~EventConsumer() = default;
  virtual auto OnEvent(const Event& event) -> bool = 0;
};

enum class FastResult {
  kDone,         // the whole stream was delivered, ending with kStreamEnd
  kStopped,      // the consumer returned false
  kUnsupported,  // the text leaves the subset; what was delivered must be discarded
};

auto FastParse(std::string_view text, EventConsumer& consumer) -> FastResult;

}  // namespace toscac::yaml::internal
