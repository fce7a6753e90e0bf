// toscac: the command-line driver. The only place that prints or exits.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "diag/diagnostic.h"
#include "frontend/frontend.h"
#include "ir/service_template.h"

namespace {

constexpr std::string_view kVersion = "0.1.0";

struct ValidateFlags {
  std::string file;
  std::string format = "text";
  std::string dump;
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
  double rest = total.count() - times.yaml - times.dialect - times.sema - times.evaluate;
  std::fprintf(stderr,
               "time report (wall seconds):\n"
               "  yaml     %8.3f  libyaml and the located tree\n"
               "  dialect  %8.3f  syntax model\n"
               "  sema     %8.3f  types, templates, values, functions\n"
               "  evaluate %8.3f  descriptor overrides, static evaluation\n"
               "  other    %8.3f  reading files, imports, rendering\n"
               "  total    %8.3f\n",
               times.yaml, times.dialect, times.sema, times.evaluate, rest, total.count());
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

auto RunValidate(const ValidateFlags& flags, Session& session) -> int {
  toscac::diag::SourceManager& sources = session.sources;
  toscac::diag::Sink& sink = session.sink;
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
  deployment.require_inputs = flags.require_inputs;
  options.cache_dir = flags.cache_dir.empty() ? DefaultCacheDir() : flags.cache_dir;
  if (!flags.offline) {
    transport = toscac::imports::MakeCurlTransport();
    options.transport = transport.get();
  }
  toscac::imports::PhaseTimes times;
  if (flags.time_report) options.times = &times;
  auto started = std::chrono::steady_clock::now();
  std::optional<toscac::ir::ServiceTemplate>& st = session.st;
  st = toscac::frontend::Load(options, deployment, sources, sink, &session.loaded);
  sink.SortByLocation();
  const auto& diags = sink.diagnostics();
  if (flags.format == "json") {
    std::fputs(toscac::diag::RenderJson(diags, sources).c_str(), stdout);
  } else if (flags.format == "sarif") {
    std::fputs(toscac::diag::RenderSarif(diags, sources, kVersion).c_str(), stdout);
  } else {
    bool color = flags.color == "always" || (flags.color == "auto" && isatty(fileno(stderr)));
    std::fputs(toscac::diag::RenderText(diags, sources, color).c_str(), stderr);
  }
  if (st && flags.dump == "ir") std::fputs(toscac::ir::Dump(*st, sources).c_str(), stdout);
  bool failed = sink.error_count() > 0 || (flags.warnings_as_errors && sink.warning_count() > 0);
  if (flags.format == "text" && !flags.quiet) {
    if (failed) {
      std::fprintf(stderr, "%s: %zu error%s, %zu warning%s\n", flags.file.c_str(),
                   sink.error_count(), sink.error_count() == 1 ? "" : "s", sink.warning_count(),
                   sink.warning_count() == 1 ? "" : "s");
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

}  // namespace

auto main(int argc, char** argv) -> int {
  CLI::App app{"toscac: a compiler and planner for TOSCA and Cloudify DSL blueprints"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(kVersion));

  ValidateFlags validate;
  CLI::App* cmd = app.add_subcommand(
      "validate", "check a blueprint and its imports; exit 0 clean, 1 errors, 2 usage");
  cmd->add_option("file", validate.file, "the blueprint (TOSCA 1.0-1.3 or Cloudify DSL 1.0-1.3)")
      ->required();
  cmd->add_option("--format", validate.format,
                  "diagnostics as text (stderr), json or sarif (stdout)")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  cmd->add_option("--dump", validate.dump, "print a stage's result as stable text")
      ->check(CLI::IsMember({"ir"}));
  cmd->add_option("--catalog", validate.catalogs,
                  "folder of imports laid out as host/path (repeatable)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--cache-dir", validate.cache_dir,
                  "download cache (default ~/.cache/toscac/imports)");
  cmd->add_flag("--offline", validate.offline, "never download imports");
  cmd->add_flag("--allow-outside-imports", validate.allow_outside,
                "let imports leave the blueprint's folder");
  cmd->add_flag("--warnings-as-errors", validate.warnings_as_errors, "exit 1 on warnings too");
  cmd->add_option("--color", validate.color, "auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_flag("-q,--quiet", validate.quiet, "no summary line");
  cmd->add_option("--inputs", validate.input_files,
                  "input values for this deployment, YAML or JSON (repeatable)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-i,--input", validate.inputs, "one input value, name=value (repeatable)")
      ->check([](const std::string& s) {
        return s.find('=') == std::string::npos || s.front() == '=' ? "expected name=value" : "";
      });
  cmd->add_flag("--require-inputs", validate.require_inputs,
                "check as plan and emit do: every required input needs a value");
  cmd->add_option("--deployment-outputs", validate.deployment_outputs,
                  "outputs of another deployment, ID=FILE (YAML or JSON; repeatable): "
                  "deployment proxies read them")
      ->check([](const std::string& s) {
        size_t eq = s.find('=');
        if (eq == std::string::npos || eq == 0) return std::string("expected ID=FILE");
        return CLI::ExistingFile(s.substr(eq + 1));
      });
  cmd->add_option("--deployment-id", validate.deployment_id,
                  "this deployment's id for %{deployment.id} (default: the blueprint id)");
  cmd->add_option("--blueprint-id", validate.blueprint_id,
                  "the blueprint id for %{blueprint.id} (default: the file name without .yaml)");
  cmd->add_option("--management-ip", validate.management_ip,
                  "the manager's address for %{management_ip} (default: known after apply)");
  cmd->add_flag("--time-report", validate.time_report, "print the time each stage took (stderr)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (!cmd->parsed()) return 2;
  auto* session = new Session();  // deliberately never deleted, see Session
  int code = RunValidate(validate, *session);
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
}
