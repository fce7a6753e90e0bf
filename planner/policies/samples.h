// planner/policies/samples: one line of a metric trace (JSON Lines) into a Sample.
//
// A line is a JSON object with `ts` (number, seconds), `source` (string: the reporting
// instance), `name` (string: the metric), `value` (number) and optionally `ttl` (number,
// seconds); other keys are ignored. Blank lines are skipped by the caller. The reader is a
// strict JSON parser for one object, written for speed (a trace has millions of lines).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "planner/policies/engine.h"

namespace toscac::policies {

/// Reads `line` into `out` (its strings reuse their capacity). On failure returns false, says
/// why in `error` and sets `col` to the 1-based byte column where reading stopped.
auto ParseSample(std::string_view line, Sample& out, std::string& error, uint32_t& col) -> bool;

}  // namespace toscac::policies
