// Parsing one large blueprint on several cores. Internal to the yaml library.
//
// libyaml is single-threaded and takes most of the time on large blueprints, nearly all of which
// is one block mapping: `node_templates`. Its entries start at lines of one indentation, and a
// line at that indentation cannot continue any construct begun above it except a quoted scalar
// or a flow collection, which then fails to close in its own piece. So the text is cut at such
// lines, each piece is parsed as a document on its own thread, the rest of the file (the
// "skeleton", with the block taken out) is parsed too, and the pieces are spliced into the
// skeleton. The result is used only when every piece parsed without a single diagnostic and the
// splice is checked sound (the key is where the scan found it, in a block mapping; no key repeats
// across pieces; no merge key; alias expansion and depth within bounds); otherwise the caller
// parses the whole text the ordinary way, so diagnostics are always those of the ordinary parse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "frontend/yaml/yaml_tree.h"

namespace toscac::yaml::internal {

struct PartOptions {
  uint32_t line_offset = 0;    // added to every line (a piece's first line in the whole file)
  size_t reserve_bytes = 0;    // reserve node storage as if the text were this long
  bool single_thread = false;  // parse on the caller's thread only
};

struct Part {
  std::vector<Document> docs;
  uint64_t alias_expansion = 0;
  uint32_t max_open = 0;
  bool root_merged = false;  // the root map had merge keys (`<<`)
};

/// One piece, parsed by the ordinary tree builder (yaml_tree.cc).
auto ParsePart(diag::FileId file, std::string_view text, diag::Sink& sink,
               const ParseOptions& options, const PartOptions& part) -> Part;

/// Where to cut: the `node_templates:` line and the byte ranges of the pieces of its block.
struct SplitPlan {
  uint32_t header_line = 0;         // 1-based line of `node_templates:`
  uint32_t header_col = 0;          // 1-based column of its `n`
  size_t body_begin = 0;            // first byte after the header line
  size_t body_end = 0;              // first byte after the block
  uint32_t body_lines = 0;          // lines in [body_begin, body_end)
  uint32_t entry_col = 0;           // 1-based column of the block's keys
  std::vector<size_t> cuts;         // piece starts after body_begin, ascending
  std::vector<uint32_t> cut_lines;  // lines before each cut
};

/// A plan for at most `parts` pieces, or nullopt when the text offers no cut it can trust.
auto FindSplit(std::string_view text, size_t parts) -> std::optional<SplitPlan>;

/// The documents of `text` parsed in pieces, or nullopt (nothing reported) to parse it whole.
auto TryParseSplit(diag::FileId file, std::string_view text, const ParseOptions& options)
    -> std::optional<std::vector<Document>>;

}  // namespace toscac::yaml::internal
