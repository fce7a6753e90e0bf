// The located tree, built from the events of event_stream.h. Parser errors become diagnostics.
#include "frontend/yaml/yaml_tree.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "frontend/yaml/event_stream.h"
#include "frontend/yaml/fast_parse.h"
#include "frontend/yaml/split_parse.h"

namespace toscac::yaml {

auto KindName(Kind kind) -> std::string_view {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "boolean";
    case Kind::kInt:
      return "integer";
    case Kind::kFloat:
      return "float";
    case Kind::kString:
      return "string";
    case Kind::kSeq:
      return "list";
    case Kind::kMap:
      return "map";
  }
  return "?";
}

auto Document::Find(NodeId map, std::string_view key) const -> NodeId {
  if (!IsMap(map)) return {};
  ChildSpan children = Children(map);
  for (size_t i = 0; i + 1 < children.size(); i += 2) {
    if (nodes[children[i].value].text == key) return children[i + 1];
  }
  return {};
}

auto Document::Size(NodeId id) const -> size_t {
  if (!id.valid()) return 0;
  const Node& n = nodes[id.value];
  return n.kind == Kind::kMap ? n.count / 2 : n.count;
}

auto Document::Append(Document&& other) -> uint32_t {
  auto node_base = static_cast<uint32_t>(nodes.size());
  auto child_base = static_cast<uint32_t>(child_ids.size());
  nodes.reserve(nodes.size() + other.nodes.size());
  for (Node node : other.nodes) {
    node.first += child_base;
    nodes.push_back(node);
  }
  child_ids.reserve(child_ids.size() + other.child_ids.size());
  for (NodeId id : other.child_ids) child_ids.push_back(NodeId{id.value + node_base});
  // The texts stay where they are; the blocks go before ours so that Intern keeps filling ours.
  blocks_.insert(blocks_.begin(), std::make_move_iterator(other.blocks_.begin()),
                 std::make_move_iterator(other.blocks_.end()));
  other = Document{};
  return node_base;
}

auto Document::Intern(std::string_view text) -> std::string_view {
  if (text.empty()) return {};
  constexpr size_t kBlock = 1 << 20;
  if (block_used_ + text.size() > block_size_) {
    block_size_ = std::max(kBlock, text.size());
    blocks_.push_back(std::make_unique<char[]>(block_size_));
    block_used_ = 0;
  }
  char* out = blocks_.back().get() + block_used_;
  std::memcpy(out, text.data(), text.size());
  block_used_ += text.size();
  return std::string_view(out, text.size());
}

namespace {

auto IsDigits(std::string_view s, int base) -> bool {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = base == 16  ? std::isxdigit(static_cast<unsigned char>(c)) != 0
              : base == 8 ? (c >= '0' && c <= '7')
                          : (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
auto IsCoreFloat(std::string_view s) -> bool {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

auto ParseInt(std::string_view digits, int base, bool negative, Node& node) -> bool {
  errno = 0;
  std::string copy(digits);
  char* end = nullptr;
  unsigned long long magnitude = std::strtoull(copy.c_str(), &end, base);
  if (errno == ERANGE || magnitude > static_cast<unsigned long long>(INT64_MAX) + negative) {
    return false;  // out of range: keep as float below
  }
  node.kind = Kind::kInt;
  node.number.i = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

}  // namespace

auto ResolvePlain(std::string_view s, Node& node) -> void {
  node.kind = Kind::kString;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    node.kind = Kind::kNull;
    return;
  }
  if (s == "true" || s == "True" || s == "TRUE") {
    node.kind = Kind::kBool;
    node.number.b = true;
    return;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    node.kind = Kind::kBool;
    node.number.b = false;
    return;
  }
  char first = s[0];
  if (!(std::isdigit(static_cast<unsigned char>(first)) || first == '-' || first == '+' ||
        first == '.')) {
    return;  // fast path: most scalars are words
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && IsDigits(s.substr(2), 8)) {
    if (ParseInt(s.substr(2), 8, false, node)) return;
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && IsDigits(s.substr(2), 16)) {
    if (ParseInt(s.substr(2), 16, false, node)) return;
  }
  bool negative = first == '-';
  std::string_view unsigned_part = (first == '-' || first == '+') ? s.substr(1) : s;
  if (IsDigits(unsigned_part, 10)) {
    if (ParseInt(unsigned_part, 10, negative, node)) return;
    node.kind = Kind::kFloat;
    node.number.f = std::strtod(std::string(s).c_str(), nullptr);
    return;
  }
  if (unsigned_part == ".inf" || unsigned_part == ".Inf" || unsigned_part == ".INF") {
    node.kind = Kind::kFloat;
    node.number.f = negative ? -HUGE_VAL : HUGE_VAL;
    return;
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") {
    node.kind = Kind::kFloat;
    node.number.f = NAN;
    return;
  }
  if (IsCoreFloat(s)) {
    node.kind = Kind::kFloat;
    node.number.f = std::strtod(std::string(s).c_str(), nullptr);
  }
}

namespace {

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

// Builds Documents from the event stream. Collections are open on a stack until their end event.
class TreeBuilder final : public internal::EventConsumer {
 public:
  TreeBuilder(diag::FileId file, diag::Sink& sink, const ParseOptions& options,
              const internal::PartOptions& part = {})
      : file_(file), sink_(sink), options_(options), part_(part) {}

  /// Parses with libyaml.
  auto Run(std::string_view text) -> std::vector<Document>;
  /// Parses with the fast path, or returns nullopt when the text leaves its subset.
  auto RunFast(std::string_view text) -> std::optional<std::vector<Document>>;
  auto OnEvent(const Event& event) -> bool override;
  auto alias_expansion() const -> uint64_t { return alias_expansion_; }
  auto max_open() const -> uint32_t { return max_open_; }
  auto root_merged() const -> bool { return root_merged_; }

 private:
  // libyaml reports encoding errors by byte offset only.
  auto LocOfOffset(size_t offset) const -> diag::Loc {
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        col = 1;
      } else if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) {
        ++col;
      }
    }
    return diag::Loc{file_, line, col};
  }
  std::string_view text_;
  struct Open {
    NodeId id;
    uint64_t weight;     // expanded node count of this collection so far
    size_t start;        // where its children begin in pending_
    std::string anchor;  // its anchor, if any (its size is recorded there when it closes)
  };

  auto Loc(const Event& event) const -> diag::Loc {
    return diag::Loc{file_, event.line, event.col};
  }
  void ReportParserError(const ParserError& error);
  auto NewNode(Kind kind, const Event& event) -> NodeId;
  // Adds a finished node (weight = its expanded size) to the open collection, or makes it root.
  auto Attach(NodeId id, uint64_t weight, diag::Loc where) -> bool;
  void Anchor(std::string_view anchor, NodeId id);
  auto Scalar(const Event& event) -> NodeId;
  void CloseCollection(const Open& open);
  auto MergeKeys(std::vector<NodeId>& entries) -> bool;
  void DropDuplicateKeys(std::vector<NodeId>& entries);

  diag::FileId file_;
  diag::Sink& sink_;
  const ParseOptions& options_;
  internal::PartOptions part_;
  Document doc_;
  std::vector<Open> stack_;
  std::vector<NodeId> pending_;  // children of the open collections, innermost last
  std::vector<NodeId> scratch_;
  // Anchor name -> node and its expanded size (set when the node is finished). Only anchored
  // nodes can be aliased, so only they need a size.
  std::unordered_map<std::string, std::pair<NodeId, uint64_t>> anchors_;
  uint64_t alias_expansion_ = 0;
  uint32_t max_open_ = 0;     // the most collections open when another one started
  bool root_merged_ = false;  // the root map had merge keys
  bool failed_ = false;
  std::vector<Document> docs_;
};

void TreeBuilder::ReportParserError(const ParserError& error) {
  std::string problem = error.problem;
  if (!error.context.empty()) problem = error.context + ": " + problem;
  if (error.reader_error) {
    sink_.Report(diag::Kind::kYamlNotUtf8, LocOfOffset(error.offset), "",
                 fmt::format("{} at byte {}", problem, error.offset));
    return;
  }
  sink_.Report(diag::Kind::kYamlSyntax, diag::Loc{file_, error.line, error.col}, "", problem);
  bool same_place = error.context_line == error.line && error.context_col == error.col;
  if (!error.context.empty() && !same_place) {
    sink_.AddNote(diag::Loc{file_, error.context_line, error.context_col}, "while reading this");
  }
}

auto TreeBuilder::NewNode(Kind kind, const Event& event) -> NodeId {
  Node node;
  node.kind = kind;
  node.line = event.line + part_.line_offset;
  node.col = event.col;
  doc_.nodes.push_back(node);
  return NodeId{static_cast<uint32_t>(doc_.nodes.size() - 1)};
}

auto TreeBuilder::Attach(NodeId id, uint64_t weight, diag::Loc where) -> bool {
  if (stack_.empty()) {
    doc_.root = id;
    return true;
  }
  Open& parent = stack_.back();
  const Node& p = doc_.nodes[parent.id.value];
  bool is_key = p.kind == Kind::kMap && (pending_.size() - parent.start) % 2 == 0;
  if (is_key && !doc_.IsScalar(id)) {
    sink_.Report(diag::Kind::kYamlComplexKey, where, "");
    failed_ = true;
    return false;
  }
  pending_.push_back(id);
  parent.weight += weight;
  return true;
}

void TreeBuilder::Anchor(std::string_view anchor, NodeId id) {
  if (anchor.empty()) return;
  anchors_[std::string(anchor)] = {id, 1};
}

auto TreeBuilder::Scalar(const Event& event) -> NodeId {
  NodeId id = NewNode(Kind::kString, event);
  Node& node = doc_.nodes[id.value];
  node.text = doc_.Intern(event.value);
  std::string_view tag = event.tag;
  if (tag.empty()) {
    if (event.plain) {
      ResolvePlain(node.text, node);
    } else {
      node.plain = false;
    }
    return id;
  }
  node.plain = false;
  if (tag == "!" || tag.substr(0, kTagPrefix.size()) != kTagPrefix) {
    if (tag != "!") sink_.Report(diag::Kind::kYamlUnknownTag, Loc(event), "", tag);
    return id;
  }
  std::string short_tag = "!!" + std::string(tag.substr(kTagPrefix.size()));
  std::string_view name = tag.substr(kTagPrefix.size());
  if (name == "str") return id;
  Node probe;
  ResolvePlain(node.text, probe);
  bool matches = (name == "int" && probe.kind == Kind::kInt) ||
                 (name == "float" && (probe.kind == Kind::kFloat || probe.kind == Kind::kInt)) ||
                 (name == "bool" && probe.kind == Kind::kBool) ||
                 (name == "null" && probe.kind == Kind::kNull);
  if (matches) {
    node.kind = probe.kind;
    node.number = probe.number;
    if (name == "float" && probe.kind == Kind::kInt) {
      node.kind = Kind::kFloat;
      node.number.f = static_cast<double>(probe.number.i);
    }
  } else if (name == "int" || name == "float" || name == "bool" || name == "null") {
    sink_.Report(diag::Kind::kYamlTagMismatch, Loc(event), "", node.text, name);
    node.invalid = true;  // reported here; later stages must not report it again
  } else {
    sink_.Report(diag::Kind::kYamlUnknownTag, Loc(event), "", short_tag);
  }
  return id;
}

// YAML 1.1 merge keys (`<<: *base`), still common in blueprints: entries of the merged maps that
// the map does not define itself are appended.
auto TreeBuilder::MergeKeys(std::vector<NodeId>& entries) -> bool {
  bool any = false;  // most maps have none: look before allocating anything
  for (size_t i = 0; i + 1 < entries.size() && !any; i += 2) {
    const Node& key = doc_.nodes[entries[i].value];
    any = key.plain && key.text == "<<";
  }
  if (!any) return false;
  std::vector<NodeId> sources;
  std::vector<NodeId> kept;
  for (size_t i = 0; i + 1 < entries.size(); i += 2) {
    const Node& key = doc_.nodes[entries[i].value];
    if (key.plain && key.text == "<<") {
      NodeId value = entries[i + 1];
      if (doc_.IsMap(value)) sources.push_back(value);
      if (doc_.IsSeq(value)) {
        for (NodeId item : doc_.Children(value)) {
          if (doc_.IsMap(item)) sources.push_back(item);
        }
      }
    } else {
      kept.push_back(entries[i]);
      kept.push_back(entries[i + 1]);
    }
  }
  if (sources.empty()) return false;
  for (NodeId source : sources) {
    ChildSpan merged = doc_.Children(source);
    for (size_t i = 0; i + 1 < merged.size(); i += 2) {
      bool present = false;
      for (size_t j = 0; j < kept.size(); j += 2) {
        present |= doc_.nodes[kept[j].value].text == doc_.nodes[merged[i].value].text;
      }
      if (!present) {
        kept.push_back(merged[i]);
        kept.push_back(merged[i + 1]);
      }
    }
  }
  entries = std::move(kept);
  return true;
}

// Reports each repeated key, then keeps only its first entry so that later stages see one.
void TreeBuilder::DropDuplicateKeys(std::vector<NodeId>& entries) {
  std::vector<bool> drop;  // allocated at the first repeat only
  auto report = [&](size_t i, size_t first) {
    sink_.Report(diag::Kind::kYamlDuplicateKey, doc_.LocOf(entries[i]), "",
                 doc_.nodes[entries[i].value].text);
    sink_.AddNote(doc_.LocOf(entries[first]), "first defined here");
    drop.resize(entries.size() / 2, false);
    drop[i / 2] = true;
  };
  auto dropped = [&](size_t i) { return !drop.empty() && drop[i / 2]; };
  bool any = false;
  if (entries.size() <= 16) {
    for (size_t i = 2; i < entries.size(); i += 2) {
      for (size_t j = 0; j < i; j += 2) {
        if (!dropped(j) && doc_.nodes[entries[i].value].text == doc_.nodes[entries[j].value].text) {
          report(i, j);
          any = true;
          break;
        }
      }
    }
  } else {
    std::unordered_map<std::string_view, size_t> seen;
    seen.reserve(entries.size() / 2);
    for (size_t i = 0; i < entries.size(); i += 2) {
      auto [it, inserted] = seen.emplace(doc_.nodes[entries[i].value].text, i);
      if (!inserted) {
        report(i, it->second);
        any = true;
      }
    }
  }
  if (!any) return;
  std::vector<NodeId> kept;
  for (size_t i = 0; i < entries.size(); i += 2) {
    if (dropped(i)) continue;
    kept.push_back(entries[i]);
    kept.push_back(entries[i + 1]);
  }
  entries = std::move(kept);
}

// Moves a finished collection's children from the pending stack into the document.
void TreeBuilder::CloseCollection(const Open& open) {
  Node& node = doc_.nodes[open.id.value];
  auto begin = pending_.begin() + static_cast<std::ptrdiff_t>(open.start);
  if (node.kind == Kind::kMap) {
    scratch_.assign(begin, pending_.end());
    if (MergeKeys(scratch_) && stack_.empty()) root_merged_ = true;
    DropDuplicateKeys(scratch_);
    node.first = static_cast<uint32_t>(doc_.child_ids.size());
    node.count = static_cast<uint32_t>(scratch_.size());
    doc_.child_ids.insert(doc_.child_ids.end(), scratch_.begin(), scratch_.end());
  } else {
    node.first = static_cast<uint32_t>(doc_.child_ids.size());
    node.count = static_cast<uint32_t>(pending_.size() - open.start);
    doc_.child_ids.insert(doc_.child_ids.end(), begin, pending_.end());
  }
  pending_.resize(open.start);
}

auto TreeBuilder::Run(std::string_view text) -> std::vector<Document> {
  text_ = text;
  EventStream stream(text, part_.single_thread ? SIZE_MAX : options_.thread_threshold);
  for (;;) {
    const Event* next = stream.Next();
    if (next == nullptr) {
      if (stream.error()) ReportParserError(*stream.error());
      break;
    }
    if (!OnEvent(*next)) break;
  }
  return std::move(docs_);
}

auto TreeBuilder::RunFast(std::string_view text) -> std::optional<std::vector<Document>> {
  text_ = text;
  if (internal::FastParse(text, *this) != internal::FastResult::kDone) return std::nullopt;
  return std::move(docs_);
}

auto TreeBuilder::OnEvent(const Event& event) -> bool {
  bool done = false;
  switch (event.type) {
    case EventType::kDocumentStart:
      doc_ = Document{};
      doc_.file = file_;
      // Generous sizes from the text (blueprints run about 12 bytes a node): reserving only
      // takes address space, while regrowing would copy the largest vectors we have.
      doc_.nodes.reserve(std::max(text_.size(), part_.reserve_bytes) / 6 + 16);
      doc_.child_ids.reserve(std::max(text_.size(), part_.reserve_bytes) / 6 + 16);
      pending_.clear();
      anchors_.clear();
      alias_expansion_ = 0;
      failed_ = false;
      break;
    case EventType::kDocumentEnd:
      if (!failed_) docs_.push_back(std::move(doc_));
      break;
    case EventType::kScalar: {
      NodeId id = Scalar(event);
      Anchor(event.anchor, id);
      if (!Attach(id, 1, doc_.LocOf(id))) done = true;
      break;
    }
    case EventType::kSequenceStart:
    case EventType::kMappingStart: {
      bool is_map = event.type == EventType::kMappingStart;
      if (stack_.size() >= options_.max_depth) {
        sink_.Report(diag::Kind::kYamlTooDeep, Loc(event), "", options_.max_depth);
        failed_ = done = true;
        break;
      }
      max_open_ = std::max(max_open_, static_cast<uint32_t>(stack_.size()));
      NodeId id = NewNode(is_map ? Kind::kMap : Kind::kSeq, event);
      doc_.nodes[id.value].flow = event.flow;
      Anchor(event.anchor, id);
      stack_.push_back(Open{id, 1, pending_.size(), std::string(event.anchor)});
      break;
    }
    case EventType::kSequenceEnd:
    case EventType::kMappingEnd: {
      Open open = stack_.back();
      stack_.pop_back();
      CloseCollection(open);
      if (!open.anchor.empty()) {
        auto& entry = anchors_[open.anchor];
        if (entry.first.value == open.id.value) entry.second = open.weight;  // not redefined inside
      }
      if (!Attach(open.id, open.weight, doc_.LocOf(open.id))) done = true;
      break;
    }
    case EventType::kAlias: {
      std::string name(event.anchor);
      auto it = anchors_.find(name);
      if (it == anchors_.end()) {
        sink_.Report(diag::Kind::kYamlUnknownAlias, Loc(event), "", name);
        failed_ = done = true;
        break;
      }
      bool recursive = false;
      for (const Open& open : stack_) recursive |= open.id.value == it->second.first.value;
      if (recursive) {
        sink_.Report(diag::Kind::kYamlRecursiveAlias, Loc(event), "", name);
        failed_ = done = true;
        break;
      }
      uint64_t weight = it->second.second;
      alias_expansion_ += weight;
      if (alias_expansion_ > options_.max_alias_expansion) {
        sink_.Report(diag::Kind::kYamlAliasBomb, Loc(event), "", options_.max_alias_expansion);
        failed_ = done = true;
        break;
      }
      if (!Attach(it->second.first, weight, Loc(event))) done = true;
      break;
    }
    case EventType::kStreamEnd:
      done = true;
      break;
    default:
      break;
  }
  return !done;
}

}  // namespace

namespace internal {

auto ParsePart(diag::FileId file, std::string_view text, diag::Sink& sink,
               const ParseOptions& options, const PartOptions& part) -> Part {
  Part result;
  auto finish = [&](TreeBuilder& builder, std::vector<Document> docs) {
    result.docs = std::move(docs);
    result.alias_expansion = builder.alias_expansion();
    result.max_open = builder.max_open();
    result.root_merged = builder.root_merged();
  };
  if (options.fast_path) {
    // The fast tree counts only when it is complete and clean: any diagnostic, even one the
    // builder raised, is left to the libyaml parse so that messages never depend on the path.
    diag::Sink quiet;
    TreeBuilder fast(file, quiet, options, part);
    if (auto docs = fast.RunFast(text); docs && quiet.diagnostics().empty()) {
      finish(fast, std::move(*docs));
      return result;
    }
  }
  TreeBuilder builder(file, sink, options, part);
  finish(builder, builder.Run(text));
  return result;
}

}  // namespace internal

auto Parse(diag::FileId file, std::string_view text, diag::Sink& sink, const ParseOptions& options)
    -> std::vector<Document> {
  if (options.split_parts != 1 && text.size() >= options.split_threshold) {
    if (auto docs = internal::TryParseSplit(file, text, options)) return std::move(*docs);
  }
  return internal::ParsePart(file, text, sink, options, {}).docs;
}

}  // namespace toscac::yaml
