// The frontend driver: load, then analyse when the root file could be read.
#include "frontend/frontend.h"

#include "frontend/sema/sema.h"

namespace toscac::frontend {

auto Load(const LoadOptions& options, diag::SourceManager& sources, diag::Sink& sink)
    -> std::optional<ir::ServiceTemplate> {
  imports::LoadedSet loaded = imports::Load(options, sources, sink);
  if (!loaded.root_ok) return std::nullopt;
  return sema::Analyze(loaded, sources, sink);
}

}  // namespace toscac::frontend
