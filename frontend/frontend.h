// The frontend's one door: blueprint files in, a checked and evaluated ir::ServiceTemplate out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "frontend/imports/loader.h"
#include "ir/service_template.h"

namespace toscac::frontend {

using imports::LoadOptions;

/// What the deployment being compiled knows about itself (for `%{...}` fields and proxies).
struct DeploymentOptions {
  std::string deployment_id;    // default: the blueprint id
  std::string blueprint_id;     // default: the root file's name without its extension
  std::string management_ip;    // empty: known after apply
  bool require_inputs = false;  // plan, emit, autoscale: every required input needs a value
  bool keep_inputs = false;     // emit heat: get_input stays a call, to become get_param
};

/// Loads, reads, checks and evaluates a blueprint. Every problem goes to `sink`; the result is
/// nullopt when the blueprint could not be read at all. A template with errors is still returned,
/// so that callers may dump it, but later stages must not run on it (check sink.error_count()).
/// `sources` must outlive the call's diagnostics.
/// When `keep_loaded` is given, the parsed files are moved there instead of being freed, so that a
/// short-lived caller can skip their teardown.
auto Load(const LoadOptions& options, const DeploymentOptions& deployment,
          diag::SourceManager& sources, diag::Sink& sink, imports::LoadedSet* keep_loaded = nullptr)
    -> std::optional<ir::ServiceTemplate>;

}  // namespace toscac::frontend
