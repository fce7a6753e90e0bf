// Writing generated files into a folder without losing anything a person wrote there.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace toscac::cli {

struct GeneratedFile {
  std::string name;   // relative to the folder (`stack.yaml`, `scripts/start.sh`)
  std::string text;   // generated: starts with the marker line; a copy: the file's bytes
  bool copy = false;  // a copy of the user's file (a script a template reads)
};

/// Writes `files` into `dir` (created when missing), each via a temporary file and a rename.
/// A generated file that exists and does not start with `marker`, or a copy whose destination
/// exists with other bytes, is never touched: the whole write is refused before anything changes.
/// Files in `dir` itself that start with `marker` but are not in `files` are the stale output of
/// an earlier run and are removed. Returns an error message, or "".
auto WriteGenerated(const std::string& dir, const std::vector<GeneratedFile>& files,
                    std::string_view marker) -> std::string;

}  // namespace toscac::cli
