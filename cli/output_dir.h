// Writing generated files into a folder without losing anything a person wrote there.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace toscac::cli {

struct GeneratedFile {
  std::string name;  // a plain file name, no folders
  std::string text;  // must start with the marker line
};

/// Writes `files` into `dir` (created when missing), each via a temporary file and a rename.
/// A file that exists and does not start with `marker` is never touched: the whole write is
/// refused before anything changes. Files that start with `marker` but are not in `files` are the
/// stale output of an earlier run and are removed. Returns an error message, or "".
auto WriteGenerated(const std::string& dir, const std::vector<GeneratedFile>& files,
                    std::string_view marker) -> std::string;

}  // namespace toscac::cli
