// A located YAML tree built from libyaml events: every node knows its 1-based line and column.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "diag/diagnostic.h"

namespace toscac::yaml {

/// Index of a node in its Document.
struct NodeId {
  static constexpr uint32_t kInvalid = UINT32_MAX;
  uint32_t value = kInvalid;
  auto valid() const -> bool { return value != kInvalid; }
};

/// YAML 1.2 core-schema kinds, resolved from tags and plain-scalar text.
enum class Kind : uint8_t { kNull, kBool, kInt, kFloat, kString, kSeq, kMap };

auto KindName(Kind kind) -> std::string_view;

/// The children of a collection: sequence items, or map entries as key, value, key, value, ...
class ChildSpan {
 public:
  ChildSpan(const NodeId* data, size_t size) : data_(data), size_(size) {}
  auto begin() const -> const NodeId* { return data_; }
  auto end() const -> const NodeId* { return data_ + size_; }
  auto size() const -> size_t { return size_; }
  auto empty() const -> bool { return size_ == 0; }
  auto operator[](size_t i) const -> NodeId { return data_[i]; }

 private:
  const NodeId* data_;
  size_t size_;
};

/// One YAML node. Kept small: a blueprint of 100,000 node templates has millions of these.
struct Node {
  std::string_view text;  // scalar source text, in the Document's arena; empty for collections
  union {
    bool b;
    int64_t i;
    double f;
  } number{};
  uint32_t line = 0;
  uint32_t col = 0;
  uint32_t first = 0;  // children: Document::child_ids[first, first + count)
  uint32_t count = 0;
  Kind kind = Kind::kNull;
  bool plain = true;     // a plain (unquoted, untagged) scalar
  bool invalid = false;  // already reported as malformed (e.g. `!!int four`)
  bool flow = false;     // a flow collection
};

/// One YAML document. Aliases share the anchored node's id (no copies), so a tree may be a DAG;
/// the parser bounds the expanded size so that walking it stays cheap. Movable; the texts that
/// nodes view live in heap blocks that move with it.
class Document {
 public:
  diag::FileId file;
  NodeId root;
  std::vector<Node> nodes;
  std::vector<NodeId> child_ids;

  auto operator[](NodeId id) const -> const Node& { return nodes[id.value]; }
  auto Children(NodeId id) const -> ChildSpan {
    const Node& n = nodes[id.value];
    return ChildSpan(child_ids.data() + n.first, n.count);
  }
  auto LocOf(NodeId id) const -> diag::Loc {
    const Node& n = nodes[id.value];
    return diag::Loc{file, n.line, n.col};
  }
  auto IsMap(NodeId id) const -> bool { return id.valid() && nodes[id.value].kind == Kind::kMap; }
  auto IsSeq(NodeId id) const -> bool { return id.valid() && nodes[id.value].kind == Kind::kSeq; }
  auto IsScalar(NodeId id) const -> bool {
    return id.valid() && nodes[id.value].kind != Kind::kMap && nodes[id.value].kind != Kind::kSeq;
  }
  /// The value for `key` in a map, or an invalid id.
  auto Find(NodeId map, std::string_view key) const -> NodeId;
  /// Number of entries of a map (pairs) or items of a sequence.
  auto Size(NodeId id) const -> size_t;
  /// Moves `other`'s nodes to the end of this document, its ids shifted by the returned base.
  auto Append(Document&& other) -> uint32_t;
  /// Copies `text` into the document's arena.
  auto Intern(std::string_view text) -> std::string_view;

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_used_ = 0;
  size_t block_size_ = 0;
};

struct ParseOptions {
  /// Nodes that aliases may add beyond the document's own; more is an alias bomb.
  uint64_t max_alias_expansion = 1'000'000;
  uint32_t max_depth = 512;
  /// Inputs at least this large are parsed by libyaml on a second thread.
  size_t thread_threshold = 1 << 20;
  /// Inputs at least this large whose `node_templates` block can be cut safely at template
  /// boundaries are parsed in `split_parts` pieces at once (see split_parse.h); any doubt, and
  /// any diagnostic from a piece, falls back to the ordinary parse.
  size_t split_threshold = 1 << 20;
  unsigned split_parts = 0;  // 0: one per hardware thread (at most 8); 1: never split
  /// Try the fast subset parser (fast_parse.h) before libyaml. Off only to compare the two.
  bool fast_path = true;
};

/// Parses every document in `text`. Problems go to `sink`; a document with a syntax error is not
/// returned. `file` is used for locations.
auto Parse(diag::FileId file, std::string_view text, diag::Sink& sink,
           const ParseOptions& options = {}) -> std::vector<Document>;

/// Core-schema resolution of a plain scalar, exposed for tests and for value checks.
auto ResolvePlain(std::string_view text, Node& node) -> void;

}  // namespace toscac::yaml
