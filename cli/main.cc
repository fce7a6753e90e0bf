// toscac: the command-line driver. The only place that prints or exits.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "backends/common/yaml_out.h"
#include "backends/heat/heat.h"
#include "backends/k8s/k8s.h"
#include "cli/autoscale.h"
#include "cli/output_dir.h"
#include "diag/diagnostic.h"
#include "frontend/frontend.h"
#include "ir/service_template.h"
#include "planner/instances.h"
#include "planner/plan.h"
#include "planner/render.h"
#include "planner/workflows.h"

namespace {

constexpr std::string_view kVersion = "0.1.0";

// What every command that reads a blueprint takes.
struct LoadFlags {
  std::string file;
  std::string color = "auto";
  std::vector<std::string> catalogs;
  std::string cache_dir;
  bool offline = false;
  bool allow_outside = false;
  bool warnings_as_errors = false;
  bool quiet = false;
  bool time_report = false;
  std::vector<std::string> input_files;
  std::vector<std::string> inputs;
  bool require_inputs = false;
  std::vector<std::string> deployment_outputs;
  std::string deployment_id;
  std::string blueprint_id;
  std::string management_ip;
};

struct ValidateFlags : LoadFlags {
  std::string format = "text";
  std::string dump;
};

struct EmitFlags : LoadFlags {
  std::string backend;
  std::string format = "yaml";
  std::string out;
  std::string namespace_name;
};

struct AutoscaleFlags : LoadFlags {
  toscac::cli::AutoscaleRequest request;
};

struct PlanFlags : LoadFlags {
  std::string format = "text";
  std::string out;
  bool detailed_exitcode = false;
  toscac::plan::WorkflowRequest request;
  std::string delta;
  std::vector<std::string> params;
};

auto DefaultCacheDir() -> std::string {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/toscac/imports";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/toscac/imports";
  return "";
}

// Where the time went, on stderr, in the spirit of clang's -ftime-report. Rendering is what is
// left of the total after the front end's stages.
void PrintTimeReport(const toscac::imports::PhaseTimes& times,
                     std::chrono::steady_clock::time_point started) {
  std::chrono::duration<double> total = std::chrono::steady_clock::now() - started;
  double rest =
      total.count() - times.yaml - times.dialect - times.sema - times.evaluate - times.plan;
  std::fprintf(
      stderr,
      "time report (wall seconds):\n"
      "  yaml     %8.3f  YAML parse (fast path or libyaml), located tree\n"
      "  dialect  %8.3f  syntax model\n"
      "  sema     %8.3f  types, templates, values, functions\n"
      "  evaluate %8.3f  descriptor overrides, static evaluation\n"
      "%s"
      "  other    %8.3f  reading files, imports, rendering\n"
      "  total    %8.3f\n",
      times.yaml, times.dialect, times.sema, times.evaluate,
      times.plan > 0
          ? fmt::format("  plan     {:8.3f}  instances, workflow, waves\n", times.plan).c_str()
          : "",
      rest, total.count());
}

// Everything a command builds. The driver exits without destroying it (as clang's -disable-free
// does): returning millions of tree nodes to malloc one by one costs more than the OS reclaiming
// the pages at once.
struct Session {
  toscac::diag::SourceManager sources;
  toscac::diag::Sink sink;
  toscac::imports::LoadedSet loaded;
  std::optional<toscac::ir::ServiceTemplate> st;
};

// Reads, checks and evaluates the blueprint into session.st. Diagnostics are rendered by the
// caller, so that each command chooses where they go.
void LoadBlueprint(const LoadFlags& flags, bool require_inputs, Session& session,
                   toscac::imports::PhaseTimes* times, bool keep_inputs = false) {
  std::unique_ptr<toscac::imports::HttpTransport> transport;
  toscac::frontend::LoadOptions options;
  options.root_file = flags.file;
  options.catalogs = flags.catalogs;
  options.offline = flags.offline;
  options.allow_outside_imports = flags.allow_outside;
  options.input_files = flags.input_files;
  options.input_assignments = flags.inputs;
  options.deployment_outputs = flags.deployment_outputs;
  toscac::frontend::DeploymentOptions deployment;
  deployment.deployment_id = flags.deployment_id;
  deployment.blueprint_id = flags.blueprint_id;
  deployment.management_ip = flags.management_ip;
  deployment.require_inputs = flags.require_inputs || require_inputs;
  deployment.keep_inputs = keep_inputs;
  options.cache_dir = flags.cache_dir.empty() ? DefaultCacheDir() : flags.cache_dir;
  if (!flags.offline) {
    transport = toscac::imports::MakeCurlTransport();
    options.transport = transport.get();
  }
  options.times = times;
  session.st =
      toscac::frontend::Load(options, deployment, session.sources, session.sink, &session.loaded);
}

auto UseColor(const LoadFlags& flags) -> bool {
  return flags.color == "always" || (flags.color == "auto" && isatty(fileno(stderr)));
}

auto Failed(const LoadFlags& flags, const toscac::diag::Sink& sink) -> bool {
  return sink.error_count() > 0 || (flags.warnings_as_errors && sink.warning_count() > 0);
}

void PrintFailureSummary(const LoadFlags& flags, const toscac::diag::Sink& sink) {
  std::fprintf(stderr, "%s: %zu error%s, %zu warning%s\n", flags.file.c_str(), sink.error_count(),
               sink.error_count() == 1 ? "" : "s", sink.warning_count(),
               sink.warning_count() == 1 ? "" : "s");
}

auto RunValidate(const ValidateFlags& flags, Session& session) -> int {
  toscac::diag::SourceManager& sources = session.sources;
  toscac::diag::Sink& sink = session.sink;
  toscac::imports::PhaseTimes times;
  auto started = std::chrono::steady_clock::now();
  LoadBlueprint(flags, false, session, flags.time_report ? &times : nullptr);
  std::optional<toscac::ir::ServiceTemplate>& st = session.st;
  sink.SortByLocation();
  const auto& diags = sink.diagnostics();
  if (flags.format == "json") {
    std::fputs(toscac::diag::RenderJson(diags, sources).c_str(), stdout);
  } else if (flags.format == "sarif") {
    std::fputs(toscac::diag::RenderSarif(diags, sources, kVersion).c_str(), stdout);
  } else {
    std::fputs(toscac::diag::RenderText(diags, sources, UseColor(flags)).c_str(), stderr);
  }
  if (st && flags.dump == "ir") std::fputs(toscac::ir::Dump(*st, sources).c_str(), stdout);
  bool failed = Failed(flags, sink);
  if (flags.format == "text" && !flags.quiet) {
    if (failed) {
      PrintFailureSummary(flags, sink);
    } else if (flags.dump.empty()) {
      std::printf("%s: ok (%s, %zu node templates, %zu relationships, %zu warning%s)\n",
                  flags.file.c_str(), st ? st->dialect.c_str() : "?", st ? st->nodes.size() : 0,
                  st ? st->relationships.size() : 0, sink.warning_count(),
                  sink.warning_count() == 1 ? "" : "s");
    }
  }
  if (flags.time_report) PrintTimeReport(times, started);
  return failed ? 1 : 0;
}

// A saved plan is written whole (a temporary file renamed over the target) and never replaces a
// file that is not a toscac plan: that could be something the user wrote.
auto WritePlanFile(const std::string& path, const std::string& json) -> bool {
  std::string existing, error;
  if (std::filesystem::exists(path)) {
    if (!toscac::imports::ReadFileText(path, existing, error) ||
        !toscac::plan::FromJson(existing, error)) {
      std::fprintf(stderr, "error: %s exists and is not a toscac plan (%s); not overwriting it\n",
                   path.c_str(), error.c_str());
      return false;
    }
  }
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  bool ok = f != nullptr && std::fwrite(json.data(), 1, json.size(), f) == json.size();
  if (f != nullptr) ok = std::fclose(f) == 0 && ok;
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, path, ec);
  if (!ok || ec) {
    std::filesystem::remove(tmp, ec);
    std::fprintf(stderr, "error: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  return true;
}

auto ParsePlanRequest(PlanFlags& flags) -> bool {
  toscac::plan::WorkflowRequest& r = flags.request;
  if (!flags.delta.empty()) {
    const char* begin = flags.delta.c_str() + (flags.delta[0] == '+' ? 1 : 0);
    char* end = nullptr;
    errno = 0;
    r.delta = std::strtoll(begin, &end, 10);
    if (*begin == '\0' || *end != '\0' || errno != 0) {
      std::fprintf(stderr, "error: --delta takes a signed count such as +2 or -1, not `%s`\n",
                   flags.delta.c_str());
      return false;
    }
  }
  for (const std::string& p : flags.params) {
    size_t eq = p.find('=');
    r.parameters.emplace_back(p.substr(0, eq), p.substr(eq + 1));
  }
  if (r.workflow == "scale" && (r.target.empty() || flags.delta.empty())) {
    std::fprintf(stderr, "error: --workflow scale needs --target NODE and --delta N\n");
    return false;
  }
  if (r.workflow == "heal" && r.instance.empty()) {
    std::fprintf(stderr, "error: --workflow heal needs --instance ID\n");
    return false;
  }
  // A flag the workflow does not read is a mistake, not something to ignore silently.
  bool scale = r.workflow == "scale", heal = r.workflow == "heal";
  bool custom = !scale && !heal && r.workflow != "install" && r.workflow != "uninstall";
  auto misplaced = [&](bool given, bool applies, const char* flag, const char* where) {
    if (!given || applies) return false;
    std::fprintf(stderr, "error: %s applies to %s, not to --workflow %s\n", flag, where,
                 r.workflow.c_str());
    return true;
  };
  // The trigger chooses the workflow; an unknown name is the planner's to report (T0901).
  if (!r.policy.empty() || custom) custom = scale = heal = true;
  if (misplaced(!r.target.empty(), scale, "--target", "--workflow scale") ||
      misplaced(!flags.delta.empty(), scale, "--delta", "--workflow scale") ||
      misplaced(r.scale_compute, scale, "--scale-compute", "--workflow scale") ||
      misplaced(!r.instance.empty(), heal, "--instance", "--workflow heal") ||
      misplaced(!flags.params.empty(), custom, "-p/--param", "a blueprint workflow"))
    return false;
  return true;
}

auto RunPlan(PlanFlags& flags, Session& session) -> int {
  // With --detailed-exitcode, 2 means "changes": a usage error must not look like one.
  if (!ParsePlanRequest(flags)) return flags.detailed_exitcode ? 1 : 2;
  toscac::imports::PhaseTimes times;
  auto started = std::chrono::steady_clock::now();
  LoadBlueprint(flags, true, session, flags.time_report ? &times : nullptr);
  toscac::diag::Sink& sink = session.sink;
  std::optional<toscac::plan::Plan> plan;
  if (session.st && sink.error_count() == 0) {
    auto planning = std::chrono::steady_clock::now();
    toscac::plan::Instances instances = toscac::plan::Expand(*session.st);
    plan = toscac::plan::MakePlan(*session.st, instances, flags.request, sink);
    times.plan = std::chrono::duration<double>(std::chrono::steady_clock::now() - planning).count();
  }
  sink.SortByLocation();
  std::fputs(toscac::diag::RenderText(sink.diagnostics(), session.sources, UseColor(flags)).c_str(),
             stderr);
  if (!plan || Failed(flags, sink)) {
    PrintFailureSummary(flags, sink);
    return 1;
  }
  std::string json;
  if (!flags.out.empty() || flags.format == "json") json = toscac::plan::ToJson(*plan);
  if (!flags.out.empty() && !WritePlanFile(flags.out, json)) return 1;
  if (flags.format == "json") {
    std::fputs(json.c_str(), stdout);
  } else if (flags.format == "dot") {
    std::fputs(toscac::plan::RenderDot(*plan).c_str(), stdout);
  } else if (!flags.quiet) {
    std::fputs(toscac::plan::RenderText(*plan).c_str(), stdout);
  } else {
    std::printf("%s\n", toscac::plan::SummaryLine(*plan).c_str());
  }
  if (!flags.out.empty() && flags.format == "text") {
    std::printf("Saved the plan to %s.\n", flags.out.c_str());
  }
  if (flags.time_report) PrintTimeReport(times, started);
  if (flags.detailed_exitcode) return plan->empty() ? 0 : 2;
  return 0;
}

auto RunAutoscale(AutoscaleFlags& flags, Session& session) -> int {
  toscac::imports::PhaseTimes times;
  auto started = std::chrono::steady_clock::now();
  LoadBlueprint(flags, true, session, flags.time_report ? &times : nullptr);
  toscac::diag::Sink& sink = session.sink;
  bool replayed = false;
  if (session.st && sink.error_count() == 0) {
    flags.request.quiet = flags.quiet;
    replayed = toscac::cli::ReplayMetrics(*session.st, flags.request, session.sources, sink);
  }
  std::fflush(stdout);
  sink.SortByLocation();
  std::fputs(toscac::diag::RenderText(sink.diagnostics(), session.sources, UseColor(flags)).c_str(),
             stderr);
  if (flags.time_report) PrintTimeReport(times, started);  // the replay counts as "other"
  if (!replayed || Failed(flags, sink)) {
    PrintFailureSummary(flags, sink);
    return 1;
  }
  return 0;
}

// The first line of every emitted file: what marks a file as ours to replace or remove.
constexpr std::string_view kGeneratedMarker = "# Generated by toscac emit";

auto EmitHeader(const EmitFlags& flags) -> std::string {
  return fmt::format("{} {} from {}; edits are lost on the next emit.\n", kGeneratedMarker,
                     flags.backend, std::filesystem::path(flags.file).filename().string());
}

auto WriteOut(const EmitFlags& flags, const std::vector<toscac::cli::GeneratedFile>& files)
    -> bool {
  std::string error = toscac::cli::WriteGenerated(flags.out, files, kGeneratedMarker);
  if (error.empty()) return true;
  std::fprintf(stderr, "error: %s\n", error.c_str());
  return false;
}

auto EmitK8s(const EmitFlags& flags, const toscac::k8s::Manifests& manifests) -> int {
  std::vector<toscac::cli::GeneratedFile> files;
  for (const toscac::k8s::Object& object : manifests.objects) {
    files.push_back({object.file, EmitHeader(flags) + toscac::backends::ToYaml(object.body)});
  }
  if (flags.out.empty() && flags.format == "json") {  // a List, as `kubectl apply -f -` takes it
    nlohmann::ordered_json list = {
        {"apiVersion", "v1"}, {"kind", "List"}, {"items", nlohmann::ordered_json::array()}};
    for (const toscac::k8s::Object& object : manifests.objects) {
      list["items"].push_back(object.body);
    }
    std::printf("%s\n", list.dump(2).c_str());
    return 0;
  }
  if (flags.out.empty()) {  // one multi-document stream, as `kubectl apply -f -` takes it
    for (const auto& file : files) std::printf("---\n%s", file.text.c_str());
    return 0;
  }
  files.push_back(
      {"kustomization.yaml", EmitHeader(flags) + toscac::k8s::Kustomization(manifests)});
  if (!WriteOut(flags, files)) return 1;
  if (!flags.quiet) {
    std::printf("Wrote %zu objects to %s (kubectl apply -k %s).\n", manifests.objects.size(),
                flags.out.c_str(), flags.out.c_str());
  }
  return 0;
}

auto EmitHeat(const EmitFlags& flags, const toscac::heat::Stack& stack) -> int {
  std::string text = EmitHeader(flags) + toscac::backends::ToYaml(stack.hot);
  if (flags.out.empty() && flags.format == "json") {
    std::printf("%s\n", stack.hot.dump(2).c_str());
    return 0;
  }
  if (flags.out.empty()) {
    std::fputs(text.c_str(), stdout);
    for (const toscac::heat::Nested& nested : stack.nested) {
      std::printf("--- %s\n%s", nested.name.c_str(), toscac::backends::ToYaml(nested.hot).c_str());
    }
    return 0;
  }
  std::vector<toscac::cli::GeneratedFile> files{{"stack.yaml", text}};
  for (const toscac::heat::Nested& nested : stack.nested) {  // what scaling groups instantiate
    files.push_back({nested.name, EmitHeader(flags) + toscac::backends::ToYaml(nested.hot)});
  }
  for (const toscac::heat::File& file : stack.files) {  // the scripts get_file reads
    std::string bytes, error;
    if (file.source.empty()) continue;  // reported as T1006
    if (!toscac::imports::ReadFileText(file.source, bytes, error)) {
      std::fprintf(stderr, "error: cannot read %s: %s\n", file.source.c_str(), error.c_str());
      return 1;
    }
    files.push_back({file.name, bytes, true});
  }
  if (!WriteOut(flags, files)) return 1;
  if (!flags.quiet) {
    std::printf(
        "Wrote %s/stack.yaml, %zu nested template%s and %zu script%s (openstack stack "
        "create -t %s/stack.yaml NAME).\n",
        flags.out.c_str(), stack.nested.size(), stack.nested.size() == 1 ? "" : "s",
        files.size() - 1 - stack.nested.size(),
        files.size() - 1 - stack.nested.size() == 1 ? "" : "s", flags.out.c_str());
  }
  return 0;
}

auto RunEmit(const EmitFlags& flags, Session& session) -> int {
  if (!flags.out.empty() && flags.format != "yaml") {
    std::fprintf(stderr, "error: --format applies to stdout; -o writes YAML files\n");
    return 2;
  }
  if (!flags.namespace_name.empty() && flags.backend != "k8s") {
    std::fprintf(stderr, "error: --namespace applies to emit k8s\n");
    return 2;
  }
  bool heat = flags.backend == "heat";
  // Heat templates take their inputs as parameters: they stay get_input calls, and need no value.
  LoadBlueprint(flags, !heat, session, nullptr, heat);
  toscac::diag::Sink& sink = session.sink;
  std::optional<toscac::k8s::Manifests> manifests;
  std::optional<toscac::heat::Stack> stack;
  std::string stem = std::filesystem::path(flags.file).stem().string();
  if (session.st && sink.error_count() == 0) {
    if (heat) {
      stack = toscac::heat::Emit(*session.st, session.sources, sink);
    } else {
      toscac::k8s::Options options;
      options.namespace_name = flags.namespace_name;
      options.deployment = flags.deployment_id.empty() ? stem : flags.deployment_id;
      manifests = toscac::k8s::Emit(*session.st, options, sink);
    }
  }
  sink.SortByLocation();
  std::fputs(toscac::diag::RenderText(sink.diagnostics(), session.sources, UseColor(flags)).c_str(),
             stderr);
  if ((!manifests && !stack) || Failed(flags, sink)) {
    PrintFailureSummary(flags, sink);
    return 1;
  }
  return heat ? EmitHeat(flags, *stack) : EmitK8s(flags, *manifests);
}

struct ShowFlags {
  std::string file;
  std::string format = "text";
};

// Reads a saved plan back: what `apply` will run, and a check that the file is intact.
auto RunShow(const ShowFlags& flags) -> int {
  std::string text, error;
  if (!toscac::imports::ReadFileText(flags.file, text, error)) {
    std::fprintf(stderr, "%s: error: cannot read the plan: %s\n", flags.file.c_str(),
                 error.c_str());
    return 1;
  }
  size_t offset = 0;
  std::optional<toscac::plan::Plan> plan = toscac::plan::FromJson(text, error, &offset);
  if (!plan) {
    std::string where = flags.file;
    if (offset > 0) {  // file:line:col of the byte where JSON reading stopped
      size_t line = 1, col = 1;
      for (size_t k = 0; k + 1 < offset && k < text.size(); ++k) {
        col = text[k] == '\n' ? 1 : col + 1;
        line += text[k] == '\n';
      }
      where += ":" + std::to_string(line) + ":" + std::to_string(col);
    }
    std::fprintf(stderr, "%s: error: not a toscac plan: %s\n", where.c_str(), error.c_str());
    return 1;
  }
  if (flags.format == "json") {
    std::fputs(toscac::plan::ToJson(*plan).c_str(), stdout);
  } else if (flags.format == "dot") {
    std::fputs(toscac::plan::RenderDot(*plan).c_str(), stdout);
  } else {
    std::fputs(toscac::plan::RenderText(*plan).c_str(), stdout);
  }
  return 0;
}

// A repeatable option takes one value each time it is given, so that `-i a=1 FILE` leaves FILE
// to the positional argument instead of swallowing it.
auto OnePerUse(CLI::Option* option) -> CLI::Option* {
  return option->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

void AddLoadOptions(CLI::App* cmd, LoadFlags& flags) {
  cmd->add_option("file", flags.file, "the blueprint (TOSCA 1.0-1.3 or Cloudify DSL 1.0-1.3)")
      ->required();
  OnePerUse(cmd->add_option("--catalog", flags.catalogs,
                            "folder of imports laid out as host/path (repeatable)"))
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--cache-dir", flags.cache_dir,
                  "download cache (default ~/.cache/toscac/imports)");
  cmd->add_flag("--offline", flags.offline, "never download imports");
  cmd->add_flag("--allow-outside-imports", flags.allow_outside,
                "let imports leave the blueprint's folder");
  cmd->add_flag("--warnings-as-errors", flags.warnings_as_errors, "exit 1 on warnings too");
  cmd->add_option("--color", flags.color, "auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_flag("-q,--quiet", flags.quiet, "no summary line");
  OnePerUse(cmd->add_option("--inputs", flags.input_files,
                            "input values for this deployment, YAML or JSON (repeatable)"))
      ->check(CLI::ExistingFile);
  OnePerUse(cmd->add_option("-i,--input", flags.inputs, "one input value, name=value (repeatable)"))
      ->check([](const std::string& s) {
        return s.find('=') == std::string::npos || s.front() == '=' ? "expected name=value" : "";
      });
  cmd->add_flag("--require-inputs", flags.require_inputs,
                "check as plan and emit do: every required input needs a value");
  OnePerUse(cmd->add_option("--deployment-outputs", flags.deployment_outputs,
                            "outputs of another deployment, ID=FILE (YAML or JSON; repeatable): "
                            "deployment proxies read them"))
      ->check([](const std::string& s) {
        size_t eq = s.find('=');
        if (eq == std::string::npos || eq == 0) return std::string("expected ID=FILE");
        return CLI::ExistingFile(s.substr(eq + 1));
      });
  cmd->add_option("--deployment-id", flags.deployment_id,
                  "this deployment's id for %{deployment.id} (default: the blueprint id)");
  cmd->add_option("--blueprint-id", flags.blueprint_id,
                  "the blueprint id for %{blueprint.id} (default: the file name without .yaml)");
  cmd->add_option("--management-ip", flags.management_ip,
                  "the manager's address for %{management_ip} (default: known after apply)");
  cmd->add_flag("--time-report", flags.time_report, "print the time each stage took (stderr)");
}

}  // namespace

auto main(int argc, char** argv) -> int {
  CLI::App app{"toscac: a compiler and planner for TOSCA and Cloudify DSL blueprints"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(kVersion));

  ValidateFlags validate;
  CLI::App* validate_cmd = app.add_subcommand(
      "validate", "check a blueprint and its imports; exit 0 clean, 1 errors, 2 usage");
  AddLoadOptions(validate_cmd, validate);
  validate_cmd
      ->add_option("--format", validate.format,
                   "diagnostics as text (stderr), json or sarif (stdout)")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  validate_cmd->add_option("--dump", validate.dump, "print a stage's result as stable text")
      ->check(CLI::IsMember({"ir"}));

  PlanFlags plan;
  CLI::App* plan_cmd = app.add_subcommand(
      "plan", "show every operation a workflow will run, in order, without running anything");
  AddLoadOptions(plan_cmd, plan);
  plan_cmd
      ->add_option(
          "--workflow", plan.request.workflow,
          "install (default), uninstall, scale, heal, or a blueprint workflow (kube_scale)")
      ->check([](const std::string& s) { return s.empty() ? "a workflow name" : ""; });
  plan_cmd->add_option("--target", plan.request.target, "scale: the node template to scale");
  plan_cmd->add_option("--delta", plan.delta,
                       "scale: instances to add (+N) or remove (-N) per host");
  plan_cmd->add_flag("--scale-compute", plan.request.scale_compute,
                     "scale: scale the target's outermost host (with everything on it)");
  plan_cmd->add_option("--instance", plan.request.instance, "heal: the failed instance (n_k)");
  plan_cmd->add_option("--policy", plan.request.policy,
                       "plan what this policy's execute_workflow trigger runs");
  OnePerUse(plan_cmd->add_option("-p,--param", plan.params,
                                 "a parameter of a blueprint workflow, name=value (repeatable)"))
      ->check([](const std::string& s) {
        return s.find('=') == std::string::npos || s.front() == '=' ? "expected name=value" : "";
      });
  plan_cmd->add_option("--format", plan.format, "the plan as text, json or dot (stdout)")
      ->check(CLI::IsMember({"text", "json", "dot"}));
  plan_cmd->add_option("--out", plan.out, "also save the plan as JSON, for a later apply");
  plan_cmd->add_flag("--detailed-exitcode", plan.detailed_exitcode,
                     "exit 0 when there is nothing to do, 1 on errors, 2 when there are changes");

  EmitFlags emit;
  CLI::App* emit_cmd = app.add_subcommand(
      "emit",
      "write deployable files: Kubernetes manifests (k8s) or a Heat template (heat); exit 0 "
      "written, 1 errors");
  emit_cmd
      ->add_option("backend", emit.backend, "k8s (Kubernetes manifests) or heat (a HOT template)")
      ->required()
      ->check(CLI::IsMember({"k8s", "heat"}));
  AddLoadOptions(emit_cmd, emit);
  emit_cmd->add_option("-o,--out", emit.out,
                       "the output folder (default: every object to stdout, `---` between)");
  emit_cmd->add_option("--format", emit.format, "stdout as yaml (documents) or json (a List)")
      ->check(CLI::IsMember({"yaml", "json"}));
  emit_cmd->add_option("--namespace", emit.namespace_name,
                       "metadata.namespace of every namespaced object");

  AutoscaleFlags autoscale;
  CLI::App* autoscale_cmd = app.add_subcommand(
      "autoscale",
      "replay metric samples through the blueprint's policies: each scaling decision and its "
      "plan; exit 0 replayed, 1 errors");
  AddLoadOptions(autoscale_cmd, autoscale);
  autoscale_cmd->get_option("--quiet")->description("each decision's plan as its summary line");
  autoscale_cmd
      ->add_option("--metrics", autoscale.request.metrics,
                   "the samples, one JSON object per line: ts, source, name, value (- for stdin)")
      ->required();
  autoscale_cmd
      ->add_option("--state", autoscale.request.state,
                   "instance counts now, a JSON object such as {\"nodecellar\": 3} (default: "
                   "the blueprint's)")
      ->check(CLI::ExistingFile);
  autoscale_cmd->add_option("--format", autoscale.request.format, "decisions as text or json lines")
      ->check(CLI::IsMember({"text", "json"}));
  // Finite and in range: NaN passes CLI11's number checks and would hold every sample back.
  auto seconds = [](double low) {
    return CLI::Validator(
        [low](const std::string& text) -> std::string {
          char* end = nullptr;
          double v = std::strtod(text.c_str(), &end);
          if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < low || v > 9e15) {
            return "expected seconds, a number from " + std::to_string(static_cast<int>(low)) +
                   " to 9e15";
          }
          return "";
        },
        "SECONDS");
  };
  autoscale_cmd
      ->add_option("--lateness", autoscale.request.lateness,
                   "seconds a sample may arrive behind the newest and still count (default 0)")
      ->check(seconds(0));
  autoscale_cmd
      ->add_option("--ttl", autoscale.request.ttl,
                   "host_failure: seconds of silence before a source counts as failed, for "
                   "samples without a ttl (default 60)")
      ->check(seconds(0));

  ShowFlags show;
  CLI::App* show_cmd = app.add_subcommand("show", "print a plan saved with `toscac plan --out`");
  show_cmd->add_option("plan", show.file, "the saved plan (JSON)")->required();
  show_cmd->add_option("--format", show.format, "text, json or dot")
      ->check(CLI::IsMember({"text", "json", "dot"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    if (code == 0) return 0;
    // `plan --detailed-exitcode` keeps 2 for "changes"; its usage errors exit 1.
    for (int k = 1; k < argc; ++k) {
      if (std::string_view(argv[k]) == "--detailed-exitcode") return 1;
    }
    return 2;
  }
  auto* session = new Session();  // deliberately never deleted, see Session
  int code = 2;
  if (validate_cmd->parsed()) code = RunValidate(validate, *session);
  if (plan_cmd->parsed()) code = RunPlan(plan, *session);
  if (emit_cmd->parsed()) code = RunEmit(emit, *session);
  if (autoscale_cmd->parsed()) code = RunAutoscale(autoscale, *session);
  if (show_cmd->parsed()) code = RunShow(show);
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
}
