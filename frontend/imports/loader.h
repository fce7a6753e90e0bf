// Finds, reads and parses a blueprint and everything it imports: relative files, bundled
// profiles, catalog folders, the download cache and (unless offline) HTTP downloads.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "frontend/syntax.h"
#include "frontend/yaml/yaml_tree.h"

namespace toscac::imports {

/// Fetches a URL; the real one uses libcurl, tests use a fake.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  /// Returns the body, or nullopt with `error` set.
  virtual auto Get(const std::string& url, std::string& error) -> std::optional<std::string> = 0;
};
auto MakeCurlTransport() -> std::unique_ptr<HttpTransport>;

/// Wall seconds spent per stage, summed over all files; filled when LoadOptions::times is set.
struct PhaseTimes {
  double yaml = 0;      // libyaml and the located tree
  double dialect = 0;   // YAML tree to syntax model
  double sema = 0;      // types, templates, values, functions (filled by frontend::Load)
  double evaluate = 0;  // descriptor overrides and static evaluation (filled by frontend::Load)
  double plan = 0;      // instances and the workflow's plan (filled by `toscac plan`)
};

struct LoadOptions {
  std::string root_file;
  std::vector<std::string> catalogs;  // folders laid out as host/path
  std::string cache_dir;              // empty: no cache
  bool offline = false;
  bool allow_outside_imports = false;
  HttpTransport* transport = nullptr;           // required unless offline
  PhaseTimes* times = nullptr;                  // optional
  std::vector<std::string> input_files;         // --inputs FILE (YAML or JSON), in order
  std::vector<std::string> input_assignments;   // -i name=value, in order (later ones win)
  std::vector<std::string> deployment_outputs;  // ID=FILE: another deployment's outputs
};

/// A value given for an input, located in its inputs file or in a `-i` pseudo-file.
struct GivenInput {
  syntax::Name name;
  syntax::ValueRef value;
};

struct LoadedFile {
  std::unique_ptr<yaml::Document> doc;  // stable address: syntax values point into it
  syntax::File syntax;
  bool is_profile = false;
  std::vector<std::string> namespace_prefixes;  // prefixes importers gave this file
  std::string origin;                           // path or URL it came from
};

struct LoadedSet {
  std::vector<LoadedFile> files;  // the root file first
  bool root_ok = false;           // the root file was read and has a known version
  std::vector<std::unique_ptr<yaml::Document>> input_docs;  // what given_inputs point into
  std::vector<GivenInput> given_inputs;                     // in order: files, then -i
  /// Outputs of other deployments by id, each the map a file gave (`{outputs: {...}}`, as
  /// `cfy deployments outputs` prints, or the outputs map itself).
  std::vector<std::pair<std::string, syntax::ValueRef>> deployment_outputs;
};

/// Reads a whole file; on failure `error` says why ("no such file", "it is a folder", ...).
auto ReadFileText(const std::filesystem::path& path, std::string& text, std::string& error) -> bool;

/// Loads the root file and all imports. `sources` keeps every text for diagnostics.
auto Load(const LoadOptions& options, diag::SourceManager& sources, diag::Sink& sink) -> LoadedSet;

/// Bundled profiles, compiled into the binary.
struct Profile {
  std::string_view name;  // e.g. cloudify/types-3.3.1.yaml
  std::string_view text;
};
auto BundledProfiles() -> const std::vector<Profile>&;
/// The bundled profile standing in for `url`, if any (scheme and `www.` are ignored).
auto ProfileForUrl(std::string_view url) -> const Profile*;
/// The bundled profile conventionally vendored at a relative path (e.g. a plugin submodule).
auto ProfileForRelativePath(std::string_view path) -> const Profile*;
auto NormativeProfile() -> const Profile&;
/// What cloudify_dsl_1_3 defines without imports (the cloudify.policies.scaling policy type).
auto CloudifyBuiltinsProfile() -> const Profile&;

}  // namespace toscac::imports
