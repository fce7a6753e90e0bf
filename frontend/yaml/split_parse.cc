// Parsing one large blueprint on several cores; see split_parse.h for why a cut can be trusted.
#include "frontend/yaml/split_parse.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <thread>
#include <unordered_set>

namespace toscac::yaml::internal {
namespace {

constexpr std::string_view kHeaderKey = "node_templates:";

// Line breaks other than LF and CRLF, NUL bytes and anything that could be an anchor or alias
// make line-based cutting doubtful (or, for anchors, likely to fail after doing the work).
auto HasDoubtfulBytes(std::string_view text) -> bool {
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) return true;
  for (size_t pos = text.find('\r'); pos != std::string_view::npos;
       pos = text.find('\r', pos + 1)) {
    if (pos + 1 >= text.size() || text[pos + 1] != '\n') return true;
  }
  for (std::string_view unicode_break : {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"}) {
    if (text.find(unicode_break) != std::string_view::npos) return true;
  }
  for (char sigil : {'&', '*'}) {
    for (size_t pos = text.find(sigil); pos != std::string_view::npos;
         pos = text.find(sigil, pos + 1)) {
      char before = pos == 0 ? '\n' : text[pos - 1];
      char after = pos + 1 < text.size() ? text[pos + 1] : '\n';
      bool starts_token = std::strchr(" \t\n[{,", before) != nullptr;
      bool names_something = std::strchr(" \t\r\n,[]{}", after) == nullptr;
      if (starts_token && names_something) return true;
    }
  }
  return false;
}

auto IsBlankOrComment(std::string_view rest) -> bool {
  size_t k = rest.find_first_not_of(" \t\r");
  return k == std::string_view::npos || rest[k] == '#';
}

auto LineEnd(std::string_view text, size_t pos) -> size_t {
  size_t eol = text.find('\n', pos);
  return eol == std::string_view::npos ? text.size() : eol;
}

// The one line that is exactly `<spaces>node_templates:` (a trailing comment allowed): its start
// and indentation. Zero or several such lines (one may sit in a block scalar) give nullopt.
auto FindHeader(std::string_view text) -> std::optional<std::pair<size_t, size_t>> {
  std::optional<std::pair<size_t, size_t>> header;
  for (size_t pos = text.find(kHeaderKey); pos != std::string_view::npos;
       pos = text.find(kHeaderKey, pos + 1)) {
    size_t line_start = pos == 0 ? 0 : text.rfind('\n', pos - 1);
    line_start = line_start == std::string_view::npos || pos == 0 ? 0 : line_start + 1;
    std::string_view indent = text.substr(line_start, pos - line_start);
    if (indent.find_first_not_of(' ') != std::string_view::npos) continue;
    size_t after = pos + kHeaderKey.size();
    std::string_view rest = text.substr(after, LineEnd(text, after) - after);
    // `node_templates:#x` would be a plain scalar, not a key: the colon needs a space after it.
    bool block_header =
        rest.empty() || (std::strchr(" \t\r", rest[0]) != nullptr && IsBlankOrComment(rest));
    if (!block_header) continue;
    if (header) return std::nullopt;
    header = std::make_pair(line_start, indent.size());
  }
  return header;
}

auto StartsKey(char c) -> bool { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

auto FindSplit(std::string_view text, size_t parts) -> std::optional<SplitPlan> {
  if (parts < 2 || HasDoubtfulBytes(text)) return std::nullopt;
  auto header = FindHeader(text);
  if (!header) return std::nullopt;
  auto [header_start, header_indent] = *header;
  SplitPlan plan;
  plan.header_line =
      1 + static_cast<uint32_t>(std::count(text.begin(), text.begin() + header_start, '\n'));
  plan.header_col = static_cast<uint32_t>(header_indent + 1);
  size_t header_end = LineEnd(text, header_start);
  if (header_end == text.size()) return std::nullopt;
  plan.body_begin = header_end + 1;

  size_t entry_indent = std::string_view::npos;
  std::vector<size_t> candidates;         // starts of entry lines
  std::vector<uint32_t> candidate_lines;  // lines before each of them in the whole text
  size_t pos = plan.body_begin;
  uint32_t lines = 0;
  while (pos < text.size()) {
    size_t eol = LineEnd(text, pos);
    std::string_view line = text.substr(pos, eol - pos);
    size_t indent = line.find_first_not_of(' ');
    bool content = indent != std::string_view::npos && !IsBlankOrComment(line.substr(indent));
    if (content) {
      char first = line[indent];
      if (first == '\t') return std::nullopt;  // tabs near indentation: libyaml's call
      if (indent <= header_indent) break;      // the block ends here
      if (entry_indent == std::string_view::npos) entry_indent = indent;
      if (indent < entry_indent) return std::nullopt;  // malformed; let the ordinary parse say so
      if (indent == entry_indent && StartsKey(first) && pos != plan.body_begin) {
        candidates.push_back(pos);
        candidate_lines.push_back(plan.header_line + lines);
      }
    }
    ++lines;
    pos = eol == text.size() ? eol : eol + 1;
  }
  plan.body_end = pos;
  plan.body_lines = lines;
  plan.entry_col = static_cast<uint32_t>(entry_indent + 1);
  size_t body_size = plan.body_end - plan.body_begin;
  for (size_t k = 1; k < parts; ++k) {
    size_t target = plan.body_begin + body_size * k / parts;
    auto it = std::lower_bound(candidates.begin(), candidates.end(), target);
    if (it == candidates.end()) break;
    if (plan.cuts.empty() || *it > plan.cuts.back()) {
      plan.cuts.push_back(*it);
      plan.cut_lines.push_back(candidate_lines[static_cast<size_t>(it - candidates.begin())]);
    }
  }
  if (plan.cuts.empty()) return std::nullopt;
  return plan;
}

namespace {

// The `node_templates` key of the skeleton: its parent map and the index of its value in
// child_ids, when it is a plain key of a block map with an empty value, exactly where the scan saw
// it. Also the depth of that map (the root is 0).
struct Slot {
  NodeId map;
  size_t value_index = 0;
  uint32_t depth = 0;
};

auto FindSlot(const Document& doc, const SplitPlan& plan) -> std::optional<Slot> {
  std::optional<Slot> found;
  std::vector<std::pair<NodeId, uint32_t>> work{{doc.root, 0}};
  std::vector<bool> seen(doc.nodes.size(), false);
  while (!work.empty()) {
    auto [id, depth] = work.back();
    work.pop_back();
    if (!id.valid() || seen[id.value]) continue;
    seen[id.value] = true;
    const Node& node = doc[id];
    if (node.kind != Kind::kMap && node.kind != Kind::kSeq) continue;
    ChildSpan children = doc.Children(id);
    for (size_t i = 0; i < children.size(); ++i) {
      work.emplace_back(children[i], depth + 1);
      bool is_key = node.kind == Kind::kMap && i % 2 == 0;
      if (!is_key) continue;
      const Node& key = doc[children[i]];
      if (key.line != plan.header_line || key.col != plan.header_col) continue;
      const Node& value = doc[children[i + 1]];
      bool sound = key.plain && key.text == kHeaderKey.substr(0, kHeaderKey.size() - 1) &&
                   !node.flow && value.kind == Kind::kNull && value.plain && value.text.empty();
      if (!sound || found) return std::nullopt;
      found = Slot{id, node.first + i + 1, depth};
    }
  }
  return found;
}

// Every piece must be one block map at the entry column, with no merge key, and no key may repeat
// across pieces (within a piece a repeat was already reported, which rejects the split).
auto PiecesSound(const std::vector<Part>& pieces, const SplitPlan& plan) -> bool {
  size_t keys = 0;
  for (const Part& piece : pieces) {
    // Merged entries go to the end of their map, which for a piece is not the end of the whole.
    if (piece.docs.size() != 1 || piece.root_merged) return false;
    const Document& doc = piece.docs[0];
    if (!doc.IsMap(doc.root) || doc[doc.root].flow || doc[doc.root].col != plan.entry_col) {
      return false;
    }
    keys += doc.Size(doc.root);
  }
  std::unordered_set<std::string_view> names;
  names.reserve(keys);
  for (const Part& piece : pieces) {
    const Document& doc = piece.docs[0];
    ChildSpan children = doc.Children(doc.root);
    for (size_t i = 0; i < children.size(); i += 2) {
      const Node& key = doc[children[i]];
      if (!names.insert(key.text).second) return false;
    }
  }
  return true;
}

// Splices the pieces (in order) into one map and that map into the skeleton's empty slot.
auto Assemble(std::vector<Part>& pieces, Document skeleton, const Slot& slot, diag::FileId file)
    -> Document {
  Document out = std::move(pieces[0].docs[0]);
  std::vector<NodeId> roots{out.root};
  for (size_t i = 1; i < pieces.size(); ++i) {
    NodeId root = pieces[i].docs[0].root;
    uint32_t base = out.Append(std::move(pieces[i].docs[0]));
    roots.push_back(NodeId{root.value + base});
  }
  Node merged = out[roots[0]];
  merged.first = static_cast<uint32_t>(out.child_ids.size());
  merged.count = 0;
  for (NodeId root : roots) merged.count += out[root].count;
  out.child_ids.reserve(out.child_ids.size() + merged.count);
  for (NodeId root : roots) {
    const Node& piece_root = out[root];
    for (uint32_t i = 0; i < piece_root.count; ++i) {
      out.child_ids.push_back(out.child_ids[piece_root.first + i]);
    }
  }
  out.nodes.push_back(merged);
  NodeId merged_id{static_cast<uint32_t>(out.nodes.size() - 1)};

  NodeId skeleton_root = skeleton.root;
  size_t child_base = out.child_ids.size();
  uint32_t base = out.Append(std::move(skeleton));
  out.child_ids[child_base + slot.value_index] = merged_id;
  out.root = NodeId{skeleton_root.value + base};
  out.file = file;
  return out;
}

}  // namespace

auto TryParseSplit(diag::FileId file, std::string_view text, const ParseOptions& options)
    -> std::optional<std::vector<Document>> {
  unsigned parts = options.split_parts;
  if (parts == 0) parts = std::clamp(std::thread::hardware_concurrency(), 1U, 8U);
  auto plan = FindSplit(text, parts);
  if (!plan) return std::nullopt;

  std::vector<size_t> starts{plan->body_begin};
  starts.insert(starts.end(), plan->cuts.begin(), plan->cuts.end());
  starts.push_back(plan->body_end);
  size_t count = starts.size() - 1;
  std::vector<Part> pieces(count);
  std::vector<diag::Sink> sinks(count + 1);
  auto parse_piece = [&](size_t i) {
    PartOptions part;
    part.line_offset = i == 0 ? plan->header_line : plan->cut_lines[i - 1];
    part.reserve_bytes = i == 0 ? text.size() : 0;  // the others are appended to piece 0
    part.single_thread = true;
    pieces[i] =
        ParsePart(file, text.substr(starts[i], starts[i + 1] - starts[i]), sinks[i], options, part);
  };
  std::vector<std::thread> workers;
  for (size_t i = 1; i < count; ++i) workers.emplace_back(parse_piece, i);

  std::string skeleton_text(text.substr(0, plan->body_begin));
  skeleton_text.append(text.substr(plan->body_end));
  PartOptions skeleton_part;
  skeleton_part.single_thread = true;
  Part skeleton = ParsePart(file, skeleton_text, sinks[count], options, skeleton_part);
  parse_piece(0);
  for (std::thread& worker : workers) worker.join();

  for (const diag::Sink& sink : sinks) {
    if (!sink.diagnostics().empty()) return std::nullopt;
  }
  if (skeleton.docs.size() != 1 || !PiecesSound(pieces, *plan)) return std::nullopt;
  Document& skeleton_doc = skeleton.docs[0];
  for (Node& node : skeleton_doc.nodes) {
    if (node.line > plan->header_line) node.line += plan->body_lines;
  }
  auto slot = FindSlot(skeleton_doc, *plan);
  if (!slot) return std::nullopt;
  uint64_t aliases = skeleton.alias_expansion;
  uint32_t deepest = 0;
  for (const Part& piece : pieces) {
    aliases += piece.alias_expansion;
    deepest = std::max(deepest, piece.max_open);
  }
  if (aliases > options.max_alias_expansion) return std::nullopt;
  if (deepest + slot->depth + 1 >= options.max_depth) return std::nullopt;

  std::vector<Document> docs;
  docs.push_back(Assemble(pieces, std::move(skeleton_doc), *slot, file));
  return docs;
}

}  // namespace toscac::yaml::internal
