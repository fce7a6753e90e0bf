// Import resolution. Order: bundled profiles, catalog folders, download cache, download.
#include "frontend/imports/loader.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "frontend/dialect/reader.h"

namespace toscac::imports {
namespace fs = std::filesystem;

namespace {

auto IsUrl(std::string_view s) -> bool {
  return s.substr(0, 7) == "http://" || s.substr(0, 8) == "https://";
}

// host/path of a URL, used for catalog and cache layout.
auto HostPath(std::string_view url) -> std::string {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (url.substr(0, scheme.size()) == scheme) url.remove_prefix(scheme.size());
  }
  return std::string(url);
}

// Joins a relative reference to a URL's folder, resolving `.` and `..`.
auto JoinUrl(std::string_view base, std::string_view rel) -> std::string {
  std::string_view scheme_end = "://";
  size_t start = base.find(scheme_end);
  size_t host_end = base.find('/', start == std::string_view::npos ? 0 : start + 3);
  std::string prefix(base.substr(0, host_end));
  std::string path(base.substr(host_end));
  path = path.substr(0, path.rfind('/') + 1) + std::string(rel);
  fs::path normal = fs::path(path).lexically_normal();
  return prefix + normal.generic_string();
}

}  // namespace

auto ReadFileText(const fs::path& path, std::string& text, std::string& error) -> bool {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    error = "it is a folder";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = fs::exists(path, ec) ? "permission denied" : "no such file";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

namespace {

// Where an import comes from, once resolved.
struct Source {
  std::string key;      // identity for cycle and duplicate detection
  std::string display;  // shown in diagnostics
  std::string origin;   // base for the file's own relative imports (path or URL)
  std::string text;
  bool is_profile = false;
};

class Loader {
 public:
  Loader(const LoadOptions& options, diag::SourceManager& sources, diag::Sink& sink)
      : options_(options), sources_(sources), sink_(sink) {}

  auto Run() -> LoadedSet;

 private:
  // Loads one file and, depth first, its imports. Returns its index in set_.files or -1.
  auto LoadSource(Source source, std::optional<syntax::Version> inherited, diag::Loc import_loc)
      -> int;
  void LoadImports(size_t index);
  auto Resolve(const LoadedFile& importer, const syntax::Import& imp, std::optional<Source>& out)
      -> bool;
  auto ResolveUrl(const std::string& url, const syntax::Import& imp) -> std::optional<Source>;
  auto ResolveLocal(const LoadedFile& importer, const syntax::Import& imp) -> std::optional<Source>;
  auto ProfileSource(const Profile& profile) -> Source;
  auto InsideRoot(const fs::path& path) const -> bool;
  void LoadInputValues();
  auto ParseInputSource(std::string display, std::string text) -> const yaml::Document*;
  void AddTime(std::chrono::steady_clock::time_point started, double PhaseTimes::*phase) const {
    if (options_.times == nullptr) return;
    std::chrono::duration<double> spent = std::chrono::steady_clock::now() - started;
    options_.times->*phase += spent.count();
  }

  const LoadOptions& options_;
  diag::SourceManager& sources_;
  diag::Sink& sink_;
  LoadedSet set_;
  fs::path root_dir_;                            // canonical, for the folder boundary
  fs::path root_display_dir_;                    // as the user named it, for messages
  std::unordered_map<std::string, int> loaded_;  // key -> index
  std::vector<std::string> stack_;               // keys being loaded, for cycles
  std::vector<std::string> stack_display_;
};

auto Loader::ProfileSource(const Profile& profile) -> Source {
  std::string name = fmt::format("<bundled>/{}", profile.name);
  return Source{name, name, name, std::string(profile.text), true};
}

auto Loader::InsideRoot(const fs::path& path) const -> bool {
  fs::path rel = path.lexically_relative(root_dir_);
  return !rel.empty() && *rel.begin() != "..";
}

auto Loader::ResolveUrl(const std::string& url, const syntax::Import& imp)
    -> std::optional<Source> {
  if (const Profile* profile = ProfileForUrl(url)) return ProfileSource(*profile);
  std::string host_path = HostPath(url);
  for (const std::string& catalog : options_.catalogs) {
    fs::path candidate = fs::path(catalog) / host_path;
    std::string text, error;
    if (ReadFileText(candidate, text, error)) {
      return Source{url, candidate.string(), url, std::move(text), false};
    }
  }
  if (!options_.cache_dir.empty()) {
    std::string text, error;
    if (ReadFileText(fs::path(options_.cache_dir) / host_path, text, error)) {
      return Source{url, url, url, std::move(text), false};
    }
  }
  if (options_.offline || options_.transport == nullptr) {
    sink_.Report(diag::Kind::kImportOffline, imp.file.loc, "imports", url);
    return std::nullopt;
  }
  std::string error;
  std::optional<std::string> body = options_.transport->Get(url, error);
  if (!body) {
    sink_.Report(diag::Kind::kImportDownloadFailed, imp.file.loc, "imports", url, error);
    return std::nullopt;
  }
  if (!options_.cache_dir.empty()) {
    // Write beside the target and rename, so that a concurrent or interrupted run never reads a
    // half-written cache entry.
    fs::path target = fs::path(options_.cache_dir) / host_path;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    fs::path partial = target;
    partial += ".partial." + std::to_string(::getpid());
    bool written = static_cast<bool>(std::ofstream(partial, std::ios::binary) << *body);
    if (written) fs::rename(partial, target, ec);
    if (!written || ec) fs::remove(partial, ec);
  }
  return Source{url, url, url, std::move(*body), false};
}

auto Loader::ResolveLocal(const LoadedFile& importer, const syntax::Import& imp)
    -> std::optional<Source> {
  // A file: URL is a local path and obeys the same rules as one.
  std::string rel =
      imp.file.text.substr(0, 7) == "file://" ? imp.file.text.substr(7) : imp.file.text;
  if (fs::path(rel).is_absolute() && !options_.allow_outside_imports) {
    sink_.Report(diag::Kind::kImportAbsolutePath, imp.file.loc, "imports", rel);
    return std::nullopt;
  }
  fs::path base = fs::path(importer.origin).parent_path();
  std::vector<fs::path> candidates = {(base / rel).lexically_normal()};
  // tosca-parser also resolves an import against the root template's folder, and a path that
  // starts with the importing folder's own name against that folder's parent. Accept both, with
  // a warning, so that its test material keeps working.
  auto add = [&](const fs::path& p) {
    fs::path normal = p.lexically_normal();
    if (std::find(candidates.begin(), candidates.end(), normal) == candidates.end()) {
      candidates.push_back(normal);
    }
  };
  add(root_display_dir_ / rel);
  fs::path first = *fs::path(rel).begin();
  if (!base.empty() && first == base.filename()) add(base.parent_path() / rel);
  for (size_t i = 0; i < candidates.size(); ++i) {
    const fs::path& path = candidates[i];
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (!options_.allow_outside_imports && !InsideRoot(canonical)) {
      sink_.Report(diag::Kind::kImportOutsideRoot, imp.file.loc, "imports", rel);
      return std::nullopt;
    }
    std::string text, error;
    if (!ReadFileText(path, text, error)) {
      sink_.Report(diag::Kind::kFileNotReadable, imp.file.loc, "imports", path.string(), error);
      return std::nullopt;
    }
    if (i > 0) {
      sink_.Report(diag::Kind::kImportResolvedElsewhere, imp.file.loc, "imports", rel,
                   path.generic_string());
    }
    return Source{canonical.string(), path.string(), path.string(), std::move(text), false};
  }
  if (const Profile* profile = ProfileForRelativePath(rel)) {
    sink_.Report(diag::Kind::kImportResolvedToProfile, imp.file.loc, "imports", rel, profile->name);
    return ProfileSource(*profile);
  }
  sink_.Report(diag::Kind::kImportNotFound, imp.file.loc, "imports", rel);
  sink_.AddNote(imp.file.loc, fmt::format("looked for `{}`", candidates[0].string()));
  return std::nullopt;
}

auto Loader::Resolve(const LoadedFile& importer, const syntax::Import& imp,
                     std::optional<Source>& out) -> bool {
  std::string target = imp.file.text;
  if (!imp.repository.empty()) {
    const syntax::Repository* repo = nullptr;
    for (const LoadedFile& f : set_.files) {
      for (const syntax::Repository& r : f.syntax.repositories) {
        if (r.name.text == imp.repository.text) repo = &r;
      }
    }
    if (repo == nullptr) {
      sink_.Report(diag::Kind::kImportUnknownRepository, imp.repository.loc, "imports",
                   imp.repository.text);
      return false;
    }
    std::string base = repo->url.text;
    if (!base.empty() && base.back() != '/') base += '/';
    target = base + target;
  }
  if (IsUrl(target)) {
    out = ResolveUrl(target, imp);
  } else if (IsUrl(importer.origin)) {
    out = ResolveUrl(JoinUrl(importer.origin, target), imp);
  } else if (importer.is_profile) {
    sink_.Report(diag::Kind::kImportNotFound, imp.file.loc, "imports", target);
  } else {
    out = ResolveLocal(importer, imp);
  }
  return out.has_value();
}

auto Loader::LoadSource(Source source, std::optional<syntax::Version> inherited,
                        diag::Loc import_loc) -> int {
  diag::FileId id = sources_.Add(source.display, std::move(source.text));
  auto started = std::chrono::steady_clock::now();
  std::vector<yaml::Document> docs = yaml::Parse(id, sources_.Text(id), sink_);
  AddTime(started, &PhaseTimes::yaml);
  if (docs.size() > 1) {
    sink_.Report(diag::Kind::kYamlMultipleDocuments, docs[1].LocOf(docs[1].root), "", docs.size());
    if (import_loc.file.value != 0) sink_.AddNote(import_loc, "imported here");
  }
  if (docs.empty()) {
    // An empty file, or one whose only document had a syntax error (already reported).
    bool had_syntax_error = false;
    for (const auto& d : sink_.diagnostics()) had_syntax_error |= d.loc.file == id;
    if (!had_syntax_error) sink_.Report(diag::Kind::kYamlEmptyDocument, diag::Loc{id, 0, 0}, "");
    return -1;
  }
  auto doc = std::make_unique<yaml::Document>(std::move(docs[0]));
  std::optional<syntax::Version> version = inherited;
  bool has_version = false;
  yaml::NodeId version_node = doc->Find(doc->root, "tosca_definitions_version");
  if (version_node.valid()) {
    has_version = true;
    std::string text((*doc)[version_node].text);
    version = dialect::ParseVersion(text);
    if (!version) {
      sink_.Report(diag::Kind::kUnknownVersion, doc->LocOf(version_node),
                   "tosca_definitions_version", text);
      sink_.AddNote(doc->LocOf(version_node),
                    "known: tosca_simple_yaml_1_0 … 1_3, cloudify_dsl_1_0 … 1_3");
      return -1;
    }
    if (inherited && inherited->family != version->family) {
      sink_.Report(diag::Kind::kImportVersionMismatch, doc->LocOf(version_node),
                   "tosca_definitions_version", version->Name(), inherited->Name());
      if (import_loc.file.value != 0) sink_.AddNote(import_loc, "imported here");
      return -1;
    }
  } else if (!inherited || inherited->family == syntax::Family::kTosca) {
    // TOSCA requires the version in every file; Cloudify plugin files inherit the importer's.
    diag::Loc at = doc->root.valid() ? doc->LocOf(doc->root) : diag::Loc{id, 1, 1};
    sink_.Report(diag::Kind::kMissingVersion, at, "");
    if (import_loc.file.value != 0) sink_.AddNote(import_loc, "imported here");
    return -1;
  }
  LoadedFile file;
  started = std::chrono::steady_clock::now();
  file.syntax = dialect::ReadFile(*doc, *version, sink_);
  AddTime(started, &PhaseTimes::dialect);
  file.syntax.has_version = has_version;
  file.doc = std::move(doc);
  file.is_profile = source.is_profile;
  file.origin = source.origin;
  set_.files.push_back(std::move(file));
  int index = static_cast<int>(set_.files.size() - 1);
  loaded_[source.key] = index;
  stack_.push_back(source.key);
  stack_display_.push_back(source.display);
  LoadImports(static_cast<size_t>(index));
  stack_.pop_back();
  stack_display_.pop_back();
  return index;
}

void Loader::LoadImports(size_t index) {
  // Copy what we need: set_.files grows while we recurse.
  std::vector<syntax::Import> imports = set_.files[index].syntax.imports;
  syntax::Version version = set_.files[index].syntax.version;
  for (const syntax::Import& imp : imports) {
    std::optional<Source> source;
    if (!Resolve(set_.files[index], imp, source)) continue;
    auto on_stack = std::find(stack_.begin(), stack_.end(), source->key);
    if (on_stack != stack_.end()) {
      std::string chain;
      for (auto it = on_stack; it != stack_.end(); ++it) {
        chain += stack_display_[static_cast<size_t>(it - stack_.begin())] + " -> ";
      }
      chain += source->display;
      sink_.Report(diag::Kind::kImportCycle, imp.file.loc, "imports", chain);
      continue;
    }
    int target = -1;
    if (auto it = loaded_.find(source->key); it != loaded_.end()) {
      target = it->second;
    } else {
      target = LoadSource(std::move(*source), version, imp.file.loc);
    }
    if (target >= 0 && !imp.namespace_prefix.empty()) {
      set_.files[static_cast<size_t>(target)].namespace_prefixes.push_back(imp.namespace_prefix);
    }
  }
}

auto Loader::Run() -> LoadedSet {
  std::error_code ec;
  fs::path root = fs::path(options_.root_file);
  root_dir_ = fs::weakly_canonical(root, ec).parent_path();
  root_display_dir_ = root.parent_path();
  std::string text, error;
  if (!ReadFileText(root, text, error)) {
    sink_.Report(diag::Kind::kFileNotReadable, diag::Loc{}, "", options_.root_file, error);
    return std::move(set_);
  }
  std::string key = fs::weakly_canonical(root, ec).string();
  int index = LoadSource(Source{key, options_.root_file, root.string(), std::move(text), false},
                         std::nullopt, diag::Loc{});
  set_.root_ok = index == 0;
  // TOSCA files see the normative types without importing them; Cloudify DSL 1.3 files see its
  // built-in scaling policy type.
  bool any_tosca = false, any_dsl_1_3 = false;
  for (const LoadedFile& f : set_.files) {
    any_tosca |= f.syntax.version.family == syntax::Family::kTosca;
    any_dsl_1_3 |= !f.is_profile && f.syntax.version.family == syntax::Family::kCloudify &&
                   f.syntax.version.minor >= 3;
  }
  for (auto [wanted, profile] : {std::pair{any_tosca, &NormativeProfile()},
                                 std::pair{any_dsl_1_3, &CloudifyBuiltinsProfile()}}) {
    if (!wanted) continue;
    Source source = ProfileSource(*profile);
    if (loaded_.find(source.key) == loaded_.end()) {
      LoadSource(std::move(source), std::nullopt, diag::Loc{});
    }
  }
  LoadInputValues();
  return std::move(set_);
}

auto Loader::ParseInputSource(std::string display, std::string text) -> const yaml::Document* {
  diag::FileId id = sources_.Add(std::move(display), std::move(text));
  std::vector<yaml::Document> docs = yaml::Parse(id, sources_.Text(id), sink_);
  if (docs.empty()) return nullptr;  // a syntax error, already reported
  if (docs.size() > 1) {
    sink_.Report(diag::Kind::kYamlMultipleDocuments, docs[1].LocOf(docs[1].root), "", docs.size());
    return nullptr;
  }
  set_.input_docs.push_back(std::make_unique<yaml::Document>(std::move(docs[0])));
  return set_.input_docs.back().get();
}

// Inputs files are YAML or JSON maps; `-i name=value` values are read as YAML too, so that
// `-i port=8080` is an integer and `-i 'tags=[a, b]'` a list. Each gets a source of its own, so
// that diagnostics about a value point into the file or show the `-i` text.
void Loader::LoadInputValues() {
  for (const std::string& path : options_.input_files) {
    std::string text, error;
    if (!ReadFileText(path, text, error)) {
      sink_.Report(diag::Kind::kFileNotReadable, diag::Loc{}, "", path, error);
      continue;
    }
    const yaml::Document* doc = ParseInputSource(path, std::move(text));
    if (doc == nullptr || (*doc)[doc->root].kind == yaml::Kind::kNull) continue;
    if (!doc->IsMap(doc->root)) {
      sink_.Report(diag::Kind::kInputsFileMalformed, doc->LocOf(doc->root), "",
                   fmt::format("a {}", yaml::KindName((*doc)[doc->root].kind)));
      continue;
    }
    yaml::ChildSpan entries = doc->Children(doc->root);
    for (size_t i = 0; i + 1 < entries.size(); i += 2) {
      syntax::Name name{std::string((*doc)[entries[i]].text), doc->LocOf(entries[i])};
      set_.given_inputs.push_back(
          GivenInput{std::move(name), syntax::ValueRef{doc, entries[i + 1]}});
    }
  }
  for (const std::string& spec : options_.deployment_outputs) {
    size_t eq = spec.find('=');
    std::string id = spec.substr(0, eq), path = spec.substr(eq + 1);
    std::string text, error;
    if (!ReadFileText(path, text, error)) {
      sink_.Report(diag::Kind::kFileNotReadable, diag::Loc{}, "", path, error);
      continue;
    }
    const yaml::Document* doc = ParseInputSource(path, std::move(text));
    if (doc == nullptr) continue;
    yaml::NodeId outputs = doc->root;
    if (yaml::NodeId inner = doc->Find(doc->root, "outputs"); inner.valid()) outputs = inner;
    if (!doc->IsMap(outputs)) {
      sink_.Report(diag::Kind::kOutputsFileMalformed, doc->LocOf(outputs), "",
                   fmt::format("a {}", yaml::KindName((*doc)[outputs].kind)));
      continue;
    }
    set_.deployment_outputs.emplace_back(id, syntax::ValueRef{doc, outputs});
  }
  for (const std::string& assignment : options_.input_assignments) {
    size_t eq = assignment.find('=');
    std::string name = assignment.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : assignment.substr(eq + 1);
    // An empty value is an empty string (YAML would read no document at all).
    const yaml::Document* doc =
        ParseInputSource(fmt::format("-i {}", name), value.empty() ? "''" : value);
    if (doc == nullptr) continue;
    diag::Loc at{doc->file, 1, 1};
    set_.given_inputs.push_back(
        GivenInput{syntax::Name{name, at}, syntax::ValueRef{doc, doc->root}});
  }
}

}  // namespace

auto Load(const LoadOptions& options, diag::SourceManager& sources, diag::Sink& sink) -> LoadedSet {
  Loader loader(options, sources, sink);
  return loader.Run();
}

}  // namespace toscac::imports
