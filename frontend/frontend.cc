// The frontend driver: load, then analyse when the root file could be read.
#include "frontend/frontend.h"

#include <chrono>

#include "frontend/overrides/overrides.h"
#include "frontend/sema/sema.h"

namespace toscac::frontend {

auto Load(const LoadOptions& options, diag::SourceManager& sources, diag::Sink& sink,
          imports::LoadedSet* keep_loaded) -> std::optional<ir::ServiceTemplate> {
  imports::LoadedSet loaded = imports::Load(options, sources, sink);
  std::optional<ir::ServiceTemplate> st;
  auto started = std::chrono::steady_clock::now();
  if (loaded.root_ok) st = sema::Analyze(loaded, sources, sink);
  std::chrono::duration<double> spent = std::chrono::steady_clock::now() - started;
  if (options.times != nullptr) options.times->sema += spent.count();
  if (st) {
    overrides::Options override_options;
    override_options.allow_outside = options.allow_outside_imports;
    st = overrides::Check(std::move(*st), override_options, sources, sink);
  }
  if (keep_loaded != nullptr) *keep_loaded = std::move(loaded);
  return st;
}

}  // namespace toscac::frontend
