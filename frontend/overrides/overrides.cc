// Descriptor and override checks; see overrides.h.
#include "frontend/overrides/overrides.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "frontend/imports/loader.h"
#include "frontend/sema/values.h"
#include "frontend/yaml/yaml_tree.h"
#include "grammar/override.h"

namespace toscac::overrides {

namespace fs = std::filesystem;
using VK = ir::Value::Kind;

auto DeploymentFields() -> const std::vector<std::string_view>& {
  static const std::vector<std::string_view> kFields = {
      "deployment.id", "blueprint.id",  "node.id",      "node.name",
      "instance.id",   "management_ip", "execution_id", "workflow_id"};
  return kFields;
}

namespace {

auto IsContinuation(char c) -> bool { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Byte index of 1-based column `col` (code points) in `line`, or npos.
auto ByteOfColumn(std::string_view line, uint32_t col) -> size_t {
  uint32_t seen = 1;
  for (size_t i = 0; i < line.size(); ++i) {
    if (IsContinuation(line[i])) continue;
    if (seen == col) return i;
    ++seen;
  }
  return std::string_view::npos;
}

// Source bytes that make one value character at `i` of a scalar quoted with `quote`.
auto SourceWidth(std::string_view line, size_t i, char quote) -> size_t {
  if (quote == '"' && line[i] == '\\' && i + 1 < line.size()) {
    switch (line[i + 1]) {
      case 'x':
        return 4;
      case 'u':
        return 6;
      case 'U':
        return 10;
      default:
        return 2;
    }
  }
  if (quote == '\'' && line[i] == '\'' && i + 1 < line.size() && line[i + 1] == '\'') return 2;
  size_t width = 1;
  while (i + width < line.size() && IsContinuation(line[i + width])) ++width;
  return width;
}

}  // namespace

auto LocInScalar(const diag::SourceManager& sources, diag::Loc start, uint32_t offset)
    -> diag::Loc {
  std::string_view line = sources.Line(start.file, start.line);
  size_t i = ByteOfColumn(line, start.col);
  if (i == std::string_view::npos) return start;
  char quote = line[i] == '"' || line[i] == '\'' ? line[i] : '\0';
  if (line[i] == '|' || line[i] == '>') return start;  // block scalars span lines
  diag::Loc at = start;
  if (quote != '\0') {
    ++i;
    ++at.col;
  }
  for (uint32_t k = 0; k < offset; ++k) {
    if (i >= line.size()) return start;  // the value goes on on the next line
    if (quote != '\0' && line[i] == quote && SourceWidth(line, i, quote) == 1) return start;
    size_t width = SourceWidth(line, i, quote);
    // Escapes are several columns; an ordinary character is one column, however many bytes.
    bool escape = width > 1 && (line[i] == '\\' || (quote == '\'' && line[i] == '\''));
    at.col += escape ? static_cast<uint32_t>(width) : 1;
    i += width;
  }
  return at;
}

namespace {

auto Article(yaml::Kind kind) -> std::string {
  switch (kind) {
    case yaml::Kind::kNull:
      return "null";
    case yaml::Kind::kInt:
      return "an integer";
    default:
      return fmt::format("a {}", yaml::KindName(kind));
  }
}

auto Entry(const ir::Value& map, std::string_view key) -> const ir::Value* {
  for (const auto& [name, value] : map.entries) {
    if (name == key) return &value;
  }
  return nullptr;
}

class Checker {
 public:
  Checker(ir::ServiceTemplate& st, const Options& options, diag::SourceManager& sources,
          diag::Sink& sink)
      : st_(st), options_(options), sources_(sources), sink_(sink) {}

  void Run() {
    ir::TypeId micro = st_.FindType(ir::TypeKind::kNode, "cloudify.kubernetes.Microservice");
    if (!micro.valid()) return;
    for (uint32_t i = 0; i < st_.nodes.size(); ++i) {
      ir::NodeTemplate& node = st_.nodes[i];
      if (!node.type.valid() || !st_.DerivesFrom(node.type, micro)) continue;
      for (const ir::Property& p : node.properties) {
        if (p.name == "config_files" && !p.from_default) CheckConfigFiles(ir::NodeId{i}, p.value);
      }
    }
  }

 private:
  auto NodePath(ir::NodeId node) const -> std::string {
    return fmt::format("node_templates.{}.properties.config_files", st_.nodes[node.value].name);
  }

  void CheckConfigFiles(ir::NodeId node, const ir::Value& list) {
    if (list.kind == VK::kFunction || list.kind == VK::kInvalid) return;  // known at deploy time
    if (list.kind != VK::kList) {
      sink_.Report(diag::Kind::kConfigFileMalformed, list.loc, NodePath(node),
                   fmt::format("config_files must be a list of entries with `file` and "
                               "`overrides`, not {}",
                               ir::DescribeKind(list)));
      return;
    }
    for (size_t i = 0; i < list.items.size(); ++i) {
      std::string path = fmt::format("{}[{}]", NodePath(node), i);
      if (auto file = CheckEntry(node, list.items[i], path)) {
        st_.nodes[node.value].config_files.push_back(std::move(*file));
      }
    }
  }

  auto CheckEntry(ir::NodeId node, const ir::Value& entry, const std::string& path)
      -> std::optional<ir::ConfigFile> {
    if (entry.kind != VK::kMap) {
      sink_.Report(diag::Kind::kConfigFileMalformed, entry.loc, path,
                   fmt::format("expected a map with `file` and `overrides`, not {}",
                               ir::DescribeKind(entry)));
      return std::nullopt;
    }
    for (const auto& [key, value] : entry.entries) {
      if (key != "file" && key != "overrides") {
        sink_.Report(diag::Kind::kConfigFileMalformed, value.loc, path + "." + key,
                     fmt::format("unknown key `{}` (an entry has `file` and `overrides`)", key));
      }
    }
    const ir::Value* file = Entry(entry, "file");
    if (file == nullptr) {
      sink_.Report(diag::Kind::kConfigFileMalformed, entry.loc, path, "the entry has no `file`");
      return std::nullopt;
    }
    ir::ConfigFile out;
    out.loc = entry.loc;
    const ir::Value* overrides = Entry(entry, "overrides");
    std::vector<yaml::Document> docs;
    if (file->kind == VK::kString) {
      out.file = file->s;
      docs = ReadDescriptor(node, *file, path + ".file", overrides != nullptr, out.descriptor);
    } else if (file->kind != VK::kFunction) {
      sink_.Report(diag::Kind::kConfigFileMalformed, file->loc, path + ".file",
                   fmt::format("`file` must be a path, not {}", ir::DescribeKind(*file)));
    }
    const yaml::Document* doc = docs.empty() ? nullptr : &docs[0];
    if (doc != nullptr) RecordWorkload(*doc, out);
    for (const yaml::Document& d : docs) out.documents.push_back(sema::ToPlainValue(d, d.root));
    if (overrides == nullptr || overrides->kind == VK::kNull) return out;
    if (overrides->kind != VK::kList) {
      sink_.Report(diag::Kind::kConfigFileMalformed, overrides->loc, path + ".overrides",
                   fmt::format("`overrides` must be a list of statements, not {}",
                               ir::DescribeKind(*overrides)));
      return out;
    }
    for (size_t k = 0; k < overrides->items.size(); ++k) {
      const ir::Value& statement = overrides->items[k];
      std::string item_path = fmt::format("{}.overrides[{}]", path, k);
      if (statement.kind != VK::kString) {
        sink_.Report(diag::Kind::kConfigFileMalformed, statement.loc, item_path,
                     fmt::format("an override is a string such as "
                                 "\"['spec']['replicas'] = 2\", not {}",
                                 ir::DescribeKind(statement)));
        continue;
      }
      if (auto o = CheckOverride(node, statement, item_path, doc)) {
        out.overrides.push_back(std::move(*o));
        const ir::DescriptorOverride& added = out.overrides.back();
        if (IsReplicasPath(added.path) && added.value.kind == VK::kInt) {
          out.replicas = added.value.i;
        }
      }
    }
    return out;
  }

  static auto IsReplicasPath(const std::vector<ir::PathStep>& path) -> bool {
    return path.size() == 2 && !path[0].is_index && path[0].key == "spec" && !path[1].is_index &&
           path[1].key == "replicas";
  }

  // What kube_scale needs to know: which workload this is and how many replicas it starts with.
  static void RecordWorkload(const yaml::Document& doc, ir::ConfigFile& out) {
    if (!doc.IsMap(doc.root)) return;
    yaml::NodeId kind = doc.Find(doc.root, "kind");
    if (doc.IsScalar(kind)) out.kind = std::string(doc[kind].text);
    yaml::NodeId metadata = doc.Find(doc.root, "metadata");
    yaml::NodeId name = doc.IsMap(metadata) ? doc.Find(metadata, "name") : yaml::NodeId{};
    if (doc.IsScalar(name)) out.name = std::string(doc[name].text);
    yaml::NodeId spec = doc.Find(doc.root, "spec");
    yaml::NodeId replicas = doc.IsMap(spec) ? doc.Find(spec, "replicas") : yaml::NodeId{};
    if (replicas.valid() && doc[replicas].kind == yaml::Kind::kInt) {
      out.replicas = doc[replicas].number.i;
    }
  }

  auto ReadDescriptor(ir::NodeId node, const ir::Value& file, const std::string& path,
                      bool has_overrides, diag::FileId& id) -> std::vector<yaml::Document> {
    const std::string& declaring = sources_.Name(st_.nodes[node.value].loc.file);
    if (declaring.find("://") != std::string::npos) {
      sink_.Report(diag::Kind::kDescriptorNotFound, file.loc, path, file.s,
                   "the node is declared in a downloaded file");
      return {};
    }
    fs::path where = fs::path(declaring).parent_path() / file.s;
    std::error_code ec;
    if (!options_.allow_outside && !st_.files.empty()) {
      fs::path root_dir = fs::path(st_.files[0]).parent_path();
      if (root_dir.empty()) root_dir = ".";  // absolute("") is "", not the current folder
      fs::path root = fs::weakly_canonical(fs::absolute(root_dir, ec), ec);
      fs::path target = fs::weakly_canonical(fs::absolute(where, ec), ec);
      auto [r, t] = std::mismatch(root.begin(), root.end(), target.begin(), target.end());
      if (r != root.end()) {
        sink_.Report(diag::Kind::kDescriptorNotFound, file.loc, path, file.s,
                     "it lies outside the blueprint's folder (--allow-outside-imports allows it)");
        return {};
      }
    }
    std::string text, error;
    if (!imports::ReadFileText(where, text, error)) {
      if (error == "no such file") error += fmt::format(" ({})", where.generic_string());
      sink_.Report(diag::Kind::kDescriptorNotFound, file.loc, path, file.s, error);
      return {};
    }
    id = sources_.Add(where.lexically_normal().generic_string(), std::move(text));
    std::vector<yaml::Document> docs = yaml::Parse(id, sources_.Text(id), sink_);
    if (docs.size() > 1 && has_overrides) {
      sink_.Report(diag::Kind::kDescriptorDocuments, file.loc, path, file.s, docs.size());
      return {};
    }
    return docs;  // empty after a syntax error, reported in the descriptor itself
  }

  auto CheckOverride(ir::NodeId node, const ir::Value& text, const std::string& path,
                     const yaml::Document* doc) -> std::optional<ir::DescriptorOverride> {
    auto at = [&](uint32_t offset) { return LocInScalar(sources_, text.loc, offset); };
    grammar::ParseResult parsed = grammar::ParseOverride(text.s);
    if (parsed.error) {
      sink_.Report(diag::Kind::kOverrideSyntax, at(parsed.error->offset), path,
                   parsed.error->message);
      return std::nullopt;
    }
    const grammar::Statement& statement = *parsed.statement;
    ir::DescriptorOverride out;
    out.statement = text.s;
    out.loc = text.loc;
    for (const grammar::Subscript& s : statement.path) {
      out.path.push_back(ir::PathStep{s.is_index, s.key, s.index});
    }
    if (doc != nullptr) CheckPath(*doc, statement, at, path, out);
    out.value = ConvertValue(node, statement.value, at, path);
    out.quoted = statement.value.kind == grammar::Literal::Kind::kString;
    return out;
  }

  template <typename At>
  void CheckPath(const yaml::Document& doc, const grammar::Statement& statement, const At& at,
                 const std::string& path, ir::DescriptorOverride& out) {
    const std::vector<grammar::Subscript>& steps = statement.path;
    std::string full = grammar::PathToString(steps, steps.size());
    yaml::NodeId cur = doc.root;
    for (size_t i = 0; i < steps.size(); ++i) {
      const grammar::Subscript& step = steps[i];
      std::string prefix = i == 0 ? "the document" : grammar::PathToString(steps, i);
      std::string taking =
          step.is_index ? fmt::format("[{}]", step.index) : fmt::format("['{}']", step.key);
      bool wants_map = !step.is_index;
      bool fits = wants_map ? doc.IsMap(cur) : doc.IsSeq(cur);
      if (!fits) {
        sink_.Report(diag::Kind::kOverrideWrongKind, at(step.offset), path, full, prefix,
                     cur.valid() ? Article(doc[cur].kind) : "empty", taking);
        if (cur.valid()) sink_.AddNote(doc.LocOf(cur), fmt::format("{} is here", prefix));
        return;
      }
      if (wants_map) {
        yaml::NodeId child = doc.Find(cur, step.key);
        if (!child.valid()) {
          if (i + 1 == steps.size()) {
            out.creates_key = true;  // as Python's assignment would
            return;
          }
          sink_.Report(diag::Kind::kOverridePathMissing, at(step.offset), path, full, prefix,
                       step.key);
          sink_.AddNote(doc.LocOf(cur), fmt::format("{} is here", prefix));
          return;
        }
        cur = child;
        continue;
      }
      auto size = static_cast<int64_t>(doc.Size(cur));
      int64_t index = step.index < 0 ? size + step.index : step.index;
      if (index < 0 || index >= size) {
        sink_.Report(diag::Kind::kOverrideIndexRange, at(step.offset), path, full, step.index,
                     prefix, size, size == 1 ? "" : "s");
        sink_.AddNote(doc.LocOf(cur), fmt::format("{} is here", prefix));
        return;
      }
      cur = doc.Children(cur)[static_cast<size_t>(index)];
    }
  }

  template <typename At>
  auto ConvertValue(ir::NodeId node, const grammar::Literal& lit, const At& at,
                    const std::string& path) -> ir::Value {
    ir::Value v;
    v.loc = at(lit.offset);
    switch (lit.kind) {
      case grammar::Literal::Kind::kInt:
        v.kind = VK::kInt;
        v.i = lit.i;
        v.s = lit.spelling;
        return v;
      case grammar::Literal::Kind::kFloat:
        v.kind = VK::kFloat;
        v.f = lit.f;
        v.s = lit.spelling;
        return v;
      case grammar::Literal::Kind::kBool:
        v.kind = VK::kBool;
        v.b = lit.b;
        return v;
      case grammar::Literal::Kind::kNull:
        return v;
      case grammar::Literal::Kind::kString:
        break;
    }
    std::vector<ir::Value> parts;
    for (const grammar::Piece& piece : lit.pieces) {
      parts.push_back(ConvertPiece(node, piece, at, path));
    }
    if (parts.size() == 1) return parts[0];
    v.kind = VK::kString;
    if (parts.empty()) return v;
    v.kind = VK::kFunction;
    v.s = "concat";
    v.items = std::move(parts);
    return v;
  }

  template <typename At>
  auto ConvertPiece(ir::NodeId node, const grammar::Piece& piece, const At& at,
                    const std::string& path) -> ir::Value {
    ir::Value v;
    v.loc = at(piece.offset);
    if (piece.kind == grammar::Piece::Kind::kText) {
      v.kind = VK::kString;
      v.s = piece.text;
      return v;
    }
    v.kind = VK::kFunction;
    v.s = piece.kind == grammar::Piece::Kind::kReference ? "get_attribute" : "deployment_field";
    if (piece.kind == grammar::Piece::Kind::kField) {
      std::string field = fmt::format("{}", fmt::join(piece.names, "."));
      CheckField(field, v.loc, path);
      ir::Value name;
      name.kind = VK::kString;
      name.s = field;
      name.loc = at(piece.offset + 2);
      v.items.push_back(std::move(name));
      return v;
    }
    uint32_t offset = piece.offset + 2;  // past `@{`
    for (const std::string& name : piece.names) {
      ir::Value arg;
      arg.kind = VK::kString;
      arg.s = name;
      arg.loc = at(offset);
      offset += static_cast<uint32_t>(name.size()) + 1;  // ASCII names; the comma
      v.items.push_back(std::move(arg));
    }
    CheckReference(node, piece, v, path);
    return v;
  }

  void CheckField(const std::string& field, diag::Loc loc, const std::string& path) {
    const auto& known = DeploymentFields();
    if (std::find(known.begin(), known.end(), field) != known.end()) return;
    sink_.Report(diag::Kind::kOverrideUnknownField, loc, path, field);
    std::string_view close = diag::ClosestName(field, known);
    if (!close.empty()) sink_.AddNote(loc, fmt::format("did you mean `%{{{}}}`?", close));
    sink_.AddNote(loc, fmt::format("known fields: {}", fmt::join(known, ", ")));
  }

  void CheckReference(ir::NodeId node, const grammar::Piece& piece, const ir::Value& call,
                      const std::string& path) {
    const std::string& name = piece.names[0];
    ir::NodeId target = st_.FindNode(name);
    std::string spelled = fmt::format("{}", fmt::join(piece.names, ","));
    if (!target.valid()) {
      sink_.Report(diag::Kind::kOverrideUnknownNode, call.items[0].loc, path, spelled, name);
      std::vector<std::string_view> names;
      for (const ir::NodeTemplate& n : st_.nodes) names.push_back(n.name);
      std::string_view close = diag::ClosestName(name, names);
      if (!close.empty())
        sink_.AddNote(call.items[0].loc, fmt::format("did you mean `{}`?", close));
      return;
    }
    if (target == node) return;  // its own runtime properties
    std::vector<ir::NodeId>& deps = st_.nodes[node.value].depends_on;
    if (std::find(deps.begin(), deps.end(), target) == deps.end()) deps.push_back(target);
    const std::string& self_name = st_.nodes[node.value].name;
    if (!Ordered(node, target) && !Ordered(target, node)) {
      sink_.Report(diag::Kind::kOverrideUnordered, call.loc, path, self_name, name, name);
      sink_.AddNote(st_.nodes[node.value].loc,
                    fmt::format("a relationship from `{}` to `{}` (e.g. connected_to) orders them",
                                self_name, name));
    }
    const ir::InstanceCount& count = st_.nodes[target.value].instances;
    if (count.initial > 1 || count.max > 1) {
      sink_.Report(diag::Kind::kOverrideManyInstances, call.loc, path, name, spelled);
    }
  }

  // True when a chain of relationships leads from `from` to `to`.
  auto Ordered(ir::NodeId from, ir::NodeId to) const -> bool {
    std::vector<bool> seen(st_.nodes.size(), false);
    std::vector<ir::NodeId> work{from};
    while (!work.empty()) {
      ir::NodeId n = work.back();
      work.pop_back();
      if (n == to) return true;
      if (seen[n.value]) continue;
      seen[n.value] = true;
      for (ir::RelationshipId r : st_.nodes[n.value].relationships) {
        work.push_back(st_.relationships[r.value].target);
      }
    }
    return false;
  }

  ir::ServiceTemplate& st_;
  const Options& options_;
  diag::SourceManager& sources_;
  diag::Sink& sink_;
};

}  // namespace

auto Check(ir::ServiceTemplate st, const Options& options, diag::SourceManager& sources,
           diag::Sink& sink) -> ir::ServiceTemplate {
  Checker checker(st, options, sources, sink);
  checker.Run();
  return st;
}

}  // namespace toscac::overrides
