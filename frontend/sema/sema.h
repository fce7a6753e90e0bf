// Semantic analysis: names, type hierarchy, inheritance, values against types and constraints,
// requirements and relationships. Turns loaded syntax files into the IR.
#pragma once

#include "diag/diagnostic.h"
#include "frontend/imports/loader.h"
#include "ir/service_template.h"

namespace toscac::sema {

/// `loaded.files[0]` is the root file. Reports every problem to `sink`.
auto Analyze(const imports::LoadedSet& loaded, const diag::SourceManager& sources, diag::Sink& sink)
    -> ir::ServiceTemplate;

}  // namespace toscac::sema
