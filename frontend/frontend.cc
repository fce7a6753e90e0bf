// The frontend driver: load, then analyse when the root file could be read.
#include "frontend/frontend.h"

#include "frontend/sema/sema.h"

namespace toscac::frontend {

auto Load(const LoadOptions& options, diag::SourceManager& sources, diag::Sink& sink,
          imports::LoadedSet* keep_loaded) -> std::optional<ir::ServiceTemplate> {
  imports::LoadedSet loaded = imports::Load(options, sources, sink);
  std::optional<ir::ServiceTemplate> st;
  if (loaded.root_ok) st = sema::Analyze(loaded, sources, sink);
  if (keep_loaded != nullptr) *keep_loaded = std::move(loaded);
  return st;
}

}  // namespace toscac::frontend
