// Differential fuzzing of the trace line reader (planner/policies/samples) against nlohmann's
// JSON parser: the same lines accepted, the same values read, and never a crash or a hang.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "planner/policies/samples.h"
#include "tests/support/sample_reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string line(reinterpret_cast<const char*>(data), size);
  // One trace line: no newline. nlohmann also checks UTF-8, which the reader passes through, and
  // takes a NUL byte for the end of its input (the reader refuses it as text after the object).
  for (unsigned char c : line) {
    if (c == '\n' || c == 0 || c >= 0x80) return 0;
  }
  if (toscac::policies::RepeatsAKey(line)) return 0;  // nlohmann keeps the last, we refuse
  toscac::policies::Sample ours;
  std::string error;
  uint32_t col = 0;
  bool ok = toscac::policies::ParseSample(line, ours, error, col);
  std::optional<toscac::policies::Sample> theirs = toscac::policies::SampleReference(line);
  bool same = ok == theirs.has_value();
  if (same && ok) {
    same = ours.ts == theirs->ts && ours.value == theirs->value && ours.ttl == theirs->ttl &&
           ours.source == theirs->source && ours.name == theirs->name;
  }
  if (!same) {
    std::fprintf(stderr, "disagreement on %s: ours %s (%s at %u), nlohmann %s\n", line.c_str(),
                 ok ? "accepts" : "refuses", error.c_str(), col, theirs ? "accepts" : "refuses");
    std::abort();
  }
  if (!ok && (col == 0 || col > size + 1))
    std::abort();  // a column inside the line (or at its end)
  return 0;
}
