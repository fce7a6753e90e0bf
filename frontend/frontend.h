// The frontend's one door: blueprint files in, a checked ir::ServiceTemplate out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "frontend/imports/loader.h"
#include "ir/service_template.h"

namespace toscac::frontend {

using imports::LoadOptions;

/// Loads, reads and checks a blueprint. Every problem goes to `sink`; the result is nullopt when
/// the blueprint could not be read at all. A template with errors is still returned, so that
/// callers may dump it, but later stages must not run on it (check sink.error_count()).
/// `sources` must outlive the call's diagnostics.
auto Load(const LoadOptions& options, diag::SourceManager& sources, diag::Sink& sink)
    -> std::optional<ir::ServiceTemplate>;

}  // namespace toscac::frontend
