// cli/autoscale: `toscac autoscale FILE --metrics TRACE`: reads the trace (JSON Lines, streamed)
// and the `--state` counts, replays them through planner/policies' engine and prints each
// decision as it is made, with its plan.
#pragma once

#include <string>

#include "diag/diagnostic.h"
#include "ir/service_template.h"

namespace toscac::cli {

struct AutoscaleRequest {
  std::string metrics;  // the trace; `-` for stdin
  std::string state;    // JSON object: name -> instance count; empty for the blueprint's
  std::string format = "text";
  double lateness = 0;
  double ttl = 60;
  bool quiet = false;  // text: decisions without their plans
};

/// Prints decisions to stdout; problems go to `sink`. False when the replay could not start
/// (the trace or the state file unreadable, no policy to evaluate).
auto ReplayMetrics(const ir::ServiceTemplate& st, const AutoscaleRequest& request,
                   diag::SourceManager& sources, diag::Sink& sink) -> bool;

}  // namespace toscac::cli
