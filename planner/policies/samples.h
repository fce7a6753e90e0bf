// planner/policies/samples: one line of a metric trace (JSON Lines) into a Sample.
//
// A line is a JSON object with `ts` (number, seconds, within ±9e15), `source` (string: the
// reporting instance), `name` (string: the metric), `value` (number, within ±1e300) and
// optionally `ttl` (number, seconds, 0 to 9e15; -1 in the Sample when absent); other keys are
// ignored. Blank lines are skipped by the caller. The reader is a
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
