// The libyaml adapter: parses into batches of compact events, on a second thread when the input
// is large. A batch owns copies of its strings, so libyaml's event can be freed at once.
#include "frontend/yaml/event_stream.h"

#include <yaml.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace toscac::yaml {
namespace {

constexpr size_t kBatchEvents = 8192;
constexpr size_t kBatchBytes = 256 * 1024;
constexpr size_t kMaxReadyBatches = 16;  // bounds memory when the consumer is slower

struct Batch {
  std::vector<Event> events;
  std::unique_ptr<char[]> block = std::make_unique<char[]>(kBatchBytes);
  size_t used = 0;
  std::vector<std::unique_ptr<std::string>> large;  // strings that do not fit the block
  bool last = false;                                // stream end or parser error
  std::optional<ParserError> error;

  void Reset() {
    events.clear();
    used = 0;
    large.clear();
    last = false;
    error.reset();
  }
  auto Copy(const unsigned char* data, size_t size) -> std::string_view {
    if (data == nullptr || size == 0) return {};
    if (size > kBatchBytes / 4) {
      large.push_back(std::make_unique<std::string>(reinterpret_cast<const char*>(data), size));
      return *large.back();
    }
    char* out = block.get() + used;
    std::memcpy(out, data, size);
    used += size;
    return std::string_view(out, size);
  }
  auto Full() const -> bool { return events.size() >= kBatchEvents || used + 4096 > kBatchBytes; }
};

auto CString(const yaml_char_t* s) -> const unsigned char* { return s; }
auto Length(const yaml_char_t* s) -> size_t {
  return s == nullptr ? 0 : std::strlen(reinterpret_cast<const char*>(s));
}

}  // namespace

struct EventStream::Impl {
  yaml_parser_t parser{};
  bool threaded = false;
  bool finished = false;  // producer side: no more batches will come

  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::unique_ptr<Batch>> ready;
  std::vector<std::unique_ptr<Batch>> spare;
  std::atomic<bool> cancel{false};
  std::thread worker;

  std::unique_ptr<Batch> current;  // consumer side
  size_t position = 0;

  // Parses one batch; returns it (its `last` set at the end or on error).
  auto Produce(std::unique_ptr<Batch> batch) -> std::unique_ptr<Batch> {
    batch->Reset();
    while (!batch->Full()) {
      yaml_event_t raw;
      if (!yaml_parser_parse(&parser, &raw)) {
        ParserError error;
        error.reader_error = parser.error == YAML_READER_ERROR;
        error.problem = parser.problem ? parser.problem : "unknown problem";
        error.context = parser.context ? parser.context : "";
        error.line = static_cast<uint32_t>(parser.problem_mark.line + 1);
        error.col = static_cast<uint32_t>(parser.problem_mark.column + 1);
        error.context_line = static_cast<uint32_t>(parser.context_mark.line + 1);
        error.context_col = static_cast<uint32_t>(parser.context_mark.column + 1);
        error.offset = parser.problem_offset;
        batch->error = std::move(error);
        batch->last = true;
        return batch;
      }
      Event event;
      event.line = static_cast<uint32_t>(raw.start_mark.line + 1);
      event.col = static_cast<uint32_t>(raw.start_mark.column + 1);
      switch (raw.type) {
        case YAML_STREAM_START_EVENT:
          event.type = EventType::kStreamStart;
          break;
        case YAML_STREAM_END_EVENT:
          event.type = EventType::kStreamEnd;
          break;
        case YAML_DOCUMENT_START_EVENT:
          event.type = EventType::kDocumentStart;
          break;
        case YAML_DOCUMENT_END_EVENT:
          event.type = EventType::kDocumentEnd;
          break;
        case YAML_ALIAS_EVENT:
          event.type = EventType::kAlias;
          event.anchor = batch->Copy(CString(raw.data.alias.anchor), Length(raw.data.alias.anchor));
          break;
        case YAML_SCALAR_EVENT: {
          const auto& s = raw.data.scalar;
          event.type = EventType::kScalar;
          event.plain = s.style == YAML_PLAIN_SCALAR_STYLE;
          event.value = batch->Copy(s.value, s.length);
          event.tag = batch->Copy(CString(s.tag), Length(s.tag));
          event.anchor = batch->Copy(CString(s.anchor), Length(s.anchor));
          break;
        }
        case YAML_SEQUENCE_START_EVENT:
          event.type = EventType::kSequenceStart;
          event.flow = raw.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
          event.anchor = batch->Copy(CString(raw.data.sequence_start.anchor),
                                     Length(raw.data.sequence_start.anchor));
          break;
        case YAML_SEQUENCE_END_EVENT:
          event.type = EventType::kSequenceEnd;
          break;
        case YAML_MAPPING_START_EVENT:
          event.type = EventType::kMappingStart;
          event.flow = raw.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
          event.anchor = batch->Copy(CString(raw.data.mapping_start.anchor),
                                     Length(raw.data.mapping_start.anchor));
          break;
        case YAML_MAPPING_END_EVENT:
          event.type = EventType::kMappingEnd;
          break;
        default:
          yaml_event_delete(&raw);
          continue;
      }
      yaml_event_delete(&raw);
      batch->events.push_back(event);
      if (event.type == EventType::kStreamEnd) {
        batch->last = true;
        return batch;
      }
    }
    return batch;
  }

  auto NewBatch() -> std::unique_ptr<Batch> {
    std::lock_guard<std::mutex> lock(mutex);
    if (spare.empty()) return std::make_unique<Batch>();
    auto batch = std::move(spare.back());
    spare.pop_back();
    return batch;
  }

  void RunWorker() {
    for (;;) {
      std::unique_ptr<Batch> batch = Produce(NewBatch());
      bool last = batch->last;
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait(lock, [&] { return ready.size() < kMaxReadyBatches || cancel.load(); });
      if (cancel.load()) return;
      ready.push_back(std::move(batch));
      changed.notify_all();
      if (last) return;
    }
  }

  // The next batch for the consumer, or nullptr after the last one.
  auto NextBatch() -> std::unique_ptr<Batch> {
    if (finished) return nullptr;
    std::unique_ptr<Batch> batch;
    if (!threaded) {
      batch = Produce(current ? std::move(current) : std::make_unique<Batch>());
    } else {
      if (current) {
        std::lock_guard<std::mutex> lock(mutex);
        spare.push_back(std::move(current));
      }
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait(lock, [&] { return !ready.empty(); });
      batch = std::move(ready.front());
      ready.pop_front();
      changed.notify_all();
    }
    finished = batch->last;
    return batch;
  }
};

EventStream::EventStream(std::string_view text, size_t thread_threshold)
    : impl_(std::make_unique<Impl>()) {
  yaml_parser_initialize(&impl_->parser);
  yaml_parser_set_input_string(&impl_->parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  impl_->threaded = text.size() >= thread_threshold;
  if (impl_->threaded) impl_->worker = std::thread([impl = impl_.get()] { impl->RunWorker(); });
}

EventStream::~EventStream() {
  if (impl_->worker.joinable()) {
    {
      std::lock_guard<std::mutex> lock(impl_->mutex);
      impl_->cancel = true;
    }
    impl_->changed.notify_all();
    impl_->worker.join();
  }
  yaml_parser_delete(&impl_->parser);
}

auto EventStream::Next() -> const Event* {
  Impl& impl = *impl_;
  while (!impl.current || impl.position >= impl.current->events.size()) {
    if (impl.current && impl.current->error) {
      error_ = impl.current->error;
      impl.current->error.reset();
      return nullptr;
    }
    std::unique_ptr<Batch> next = impl.NextBatch();
    if (!next) return nullptr;
    impl.current = std::move(next);
    impl.position = 0;
  }
  return &impl.current->events[impl.position++];
}

}  // namespace toscac::yaml
