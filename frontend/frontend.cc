// The frontend driver: load; analyse when the root file could be read; check descriptor
// overrides; fold what is known before deployment.
#include "frontend/frontend.h"

#include "frontend/sema/scaling.h"

#include <chrono>
#include <filesystem>
#include <unordered_map>

#include "frontend/evaluate/evaluate.h"
#include "frontend/overrides/overrides.h"
#include "frontend/sema/sema.h"
#include "frontend/sema/values.h"

namespace toscac::frontend {
namespace {

// Outputs files given on the command line (--deployment-outputs ID=FILE).
class FileOutputs : public evaluate::OutputsSource {
 public:
  explicit FileOutputs(const imports::LoadedSet& loaded) {
    for (const auto& [id, ref] : loaded.deployment_outputs) {
      outputs_[id] = sema::ToValue(ref, syntax::Family::kCloudify);
    }
  }
  auto Outputs(std::string_view deployment_id) const -> const ir::Value* override {
    auto it = outputs_.find(std::string(deployment_id));
    return it == outputs_.end() ? nullptr : &it->second;
  }

 private:
  std::unordered_map<std::string, ir::Value> outputs_;
};

auto Stem(const std::string& path) -> std::string {
  return std::filesystem::path(path).stem().string();
}

}  // namespace

auto Load(const LoadOptions& options, const DeploymentOptions& deployment,
          diag::SourceManager& sources, diag::Sink& sink, imports::LoadedSet* keep_loaded)
    -> std::optional<ir::ServiceTemplate> {
  imports::LoadedSet loaded = imports::Load(options, sources, sink);
  std::optional<ir::ServiceTemplate> st;
  auto started = std::chrono::steady_clock::now();
  if (loaded.root_ok) st = sema::Analyze(loaded, sources, sink);
  auto analyzed = std::chrono::steady_clock::now();
  if (st) {
    overrides::Options override_options;
    override_options.allow_outside = options.allow_outside_imports;
    st = overrides::Check(std::move(*st), override_options, sources, sink);
    FileOutputs outputs(loaded);
    evaluate::Context context;
    context.blueprint_id =
        deployment.blueprint_id.empty() ? Stem(options.root_file) : deployment.blueprint_id;
    context.deployment_id =
        deployment.deployment_id.empty() ? context.blueprint_id : deployment.deployment_id;
    context.management_ip = deployment.management_ip;
    context.outputs = &outputs;
    context.require_inputs = deployment.require_inputs;
    context.keep_inputs = deployment.keep_inputs;
    st = evaluate::Evaluate(std::move(*st), context, sink);
    sema::ReadInstanceCounts(*st, sink);
  }
  std::chrono::duration<double> sema = analyzed - started;
  std::chrono::duration<double> evaluated = std::chrono::steady_clock::now() - analyzed;
  if (options.times != nullptr) {
    options.times->sema += sema.count();
    options.times->evaluate += evaluated.count();
  }
  if (keep_loaded != nullptr) *keep_loaded = std::move(loaded);
  return st;
}

}  // namespace toscac::frontend
