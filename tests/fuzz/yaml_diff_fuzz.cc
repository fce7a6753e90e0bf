// libFuzzer target: the YAML fast path against libyaml (clang only; see CMakeLists.txt here).
// Property: whenever the fast path takes an input, its events are libyaml's (values, styles and
// positions), and libyaml accepts the input too. Seeds: tests/fuzz/corpus/yaml.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/support/yaml_events.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string difference = toscac::yaml::testing::Difference(text);
  if (!difference.empty()) {
    std::fprintf(stderr, "fast path disagrees with libyaml: %s\n", difference.c_str());
    std::abort();
  }
  return 0;
}
