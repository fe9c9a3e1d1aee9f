#include "mlops/serve/prediction_journal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>

#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/core/log.h"
#include "mlops/core/time.h"

namespace mlops {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kMagic[4] = {'M', 'L', 'J', '1'};
constexpr size_t kHeaderBytes = 20;  // magic, checksum, count, payload bytes
constexpr const char* kSuffix = ".journal";

void put_u32(std::string& out, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

void put_u64(std::string& out, size_t at, uint64_t value) {
  for (int i = 0; i < 8; ++i) out[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

uint64_t get_le(std::string_view in, size_t at, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  }
  return value;
}

json entry_json(const ServedLogEntry& entry) {
  const ServedPrediction& p = entry.prediction;
  return json{{"id", entry.log_id},
              {"model", p.model},
              {"request_id", p.request_id},
              {"row_key", p.row_key},
              {"model_version", p.model_version},
              {"source", p.source},
              {"prediction", p.prediction},
              {"score", std::isnan(p.score) ? json(nullptr) : json(p.score)},
              {"probabilities", p.probabilities},
              {"features_hash", p.features_hash},
              {"served_at_us", p.served_at_us},
              {"latency_ms", std::isnan(p.latency_ms) ? json(nullptr) : json(p.latency_ms)}};
}

double number_or_nan(const json& value) {
  return value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>();
}

ServedLogEntry entry_of(const json& record) {
  ServedLogEntry entry;
  entry.log_id = record.at("id").get<std::string>();
  ServedPrediction& p = entry.prediction;
  p.model = record.at("model").get<std::string>();
  p.request_id = record.at("request_id").get<std::string>();
  p.row_key = record.at("row_key").get<std::string>();
  p.model_version = record.at("model_version").get<std::string>();
  p.source = record.at("source").get<std::string>();
  p.prediction = record.at("prediction").get<std::string>();
  p.score = number_or_nan(record.at("score"));
  p.probabilities = record.at("probabilities").get<std::vector<float>>();
  p.features_hash = record.at("features_hash").get<uint64_t>();
  p.served_at_us = record.at("served_at_us").get<int64_t>();
  p.latency_ms = number_or_nan(record.at("latency_ms"));
  return entry;
}

/// Walks the frames of a segment's bytes: `frame(count, payload)` for each that checks out
/// (returning false when its payload does not parse after all), `damaged(offset, bytes)` for
/// each stretch skipped up to the next frame marker.
template <typename Frame, typename Damaged>
void walk_frames(std::string_view data, Frame frame, Damaged damaged) {
  size_t at = 0;
  while (at < data.size()) {
    const size_t left = data.size() - at;
    if (left >= kHeaderBytes && std::memcmp(data.data() + at, kMagic, 4) == 0) {
      const uint64_t checksum = get_le(data, at + 4, 8);
      const uint32_t count = static_cast<uint32_t>(get_le(data, at + 12, 4));
      const uint64_t length = get_le(data, at + 16, 4);
      if (length <= left - kHeaderBytes && hash64(data.substr(at + 12, 8 + length)) == checksum &&
          frame(count, data.substr(at + kHeaderBytes, length))) {
        at += kHeaderBytes + length;
        continue;
      }
    }
    size_t next = data.find(std::string_view(kMagic, 4), at + 1);
    if (next == std::string_view::npos) next = data.size();
    damaged(at, next - at);
    at = next;
  }
}

std::string read_fd(int fd, const std::string& path) {
  std::string data;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      throw IoError("{}: cannot read the prediction journal: {}", path, std::strerror(errno));
    }
    data.append(buffer, static_cast<size_t>(got));
  }
  return data;
}

void warn_damaged(const std::string& path, uint64_t offset, uint64_t bytes) {
  log_warn("serve log: a torn or damaged journal frame skipped",
           {{"file", path}, {"offset", offset}, {"bytes", bytes}});
}

/// Records and bytes of a segment's frames that check out (payloads not parsed).
std::pair<uint64_t, uint64_t> count_segment(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {0, 0};
  std::string data;
  try {
    data = read_fd(fd, path);
  } catch (const IoError&) {
    ::close(fd);
    return {0, 0};
  }
  ::close(fd);
  uint64_t records = 0;
  walk_frames(
      data,
      [&](uint32_t count, std::string_view) {
        records += count;
        return true;
      },
      [](size_t, size_t) {});
  return {records, data.size()};
}

bool is_segment(const fs::path& path) {
  return path.extension() == kSuffix;
}

}  // namespace

std::string encode_journal_frame(std::span<const ServedLogEntry> entries) {
  json records = json::array();
  for (const ServedLogEntry& entry : entries) records.push_back(entry_json(entry));
  const std::string payload = records.dump();
  std::string frame(kHeaderBytes, '\0');
  std::memcpy(frame.data(), kMagic, 4);
  put_u32(frame, 12, static_cast<uint32_t>(entries.size()));
  put_u32(frame, 16, static_cast<uint32_t>(payload.size()));
  frame += payload;
  put_u64(frame, 4, hash64(std::string_view(frame).substr(12)));
  return frame;
}

JournalSegmentRead read_journal_segment(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw IoError("{}: cannot open the prediction journal: {}", path, std::strerror(errno));
  }
  std::string data;
  try {
    data = read_fd(fd, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  JournalSegmentRead read;
  walk_frames(
      data,
      [&](uint32_t count, std::string_view payload) {
        const json records = json::parse(payload, nullptr, false);
        if (!records.is_array() || records.size() != count) return false;
        std::vector<ServedLogEntry> entries;
        try {
          for (const json& record : records) entries.push_back(entry_of(record));
        } catch (const json::exception&) {
          return false;
        }
        std::move(entries.begin(), entries.end(), std::back_inserter(read.entries));
        return true;
      },
      [&](size_t offset, size_t bytes) {
        read.damaged_bytes += bytes;
        warn_damaged(path, offset, bytes);
      });
  return read;
}

PredictionJournal::PredictionJournal(std::string dir, uint64_t segment_bytes)
    : dir_(std::move(dir)), segment_bytes_(segment_bytes) {
  for (const std::string& segment : closed_segments()) {
    const auto [records, bytes] = count_segment(segment);
    segments_[segment] = {records, bytes};
  }
}

PredictionJournal::~PredictionJournal() {
  std::lock_guard lock(mutex_);
  close_open_segment();
}

void PredictionJournal::close_open_segment() {
  if (open_fd_ < 0) return;
  ::fdatasync(open_fd_);
  ::close(open_fd_);  // releases the lock: the segment may be replayed now
  open_fd_ = -1;
  if (segments_[open_path_].records == 0) {
    ::unlink(open_path_.c_str());
    segments_.erase(open_path_);
  }
  open_path_.clear();
}

void PredictionJournal::append(std::span<const ServedLogEntry> entries) {
  if (entries.empty()) return;
  const std::string frame = encode_journal_frame(entries);
  std::lock_guard lock(mutex_);
  if (open_fd_ >= 0 && segments_[open_path_].bytes >= segment_bytes_) close_open_segment();
  if (open_fd_ < 0) {
    std::error_code error;
    fs::create_directories(dir_, error);
    if (error) {
      throw IoError("{}: cannot create the prediction journal's folder: {}", dir_, error.message());
    }
    const std::string path =
        fmt::format("{}/{:020}-{}-{}{}", dir_, now_micros(), ::getpid(), next_number_++, kSuffix);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
      throw IoError("{}: cannot create a prediction journal segment: {}", path,
                    std::strerror(errno));
    }
    ::flock(fd, LOCK_EX | LOCK_NB);  // a new file: nobody else holds it
    open_fd_ = fd;
    open_path_ = path;
    segments_[path] = {};
  }
  Segment& segment = segments_[open_path_];
  size_t written = 0;
  while (written < frame.size()) {
    const ssize_t put = ::write(open_fd_, frame.data() + written, frame.size() - written);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) {
      const std::string reason = std::strerror(put < 0 ? errno : ENOSPC);
      // Cut what was written of the frame, so the segment ends on a whole frame, and start
      // the next append in a new segment.
      if (::ftruncate(open_fd_, static_cast<off_t>(segment.bytes)) != 0) {
        log_warn("serve log: cannot cut a partly written journal frame; it will be skipped",
                 {{"file", open_path_}});
      }
      close_open_segment();
      throw IoError("{}: cannot write the prediction journal: {}", dir_, reason);
    }
    written += static_cast<size_t>(put);
  }
  segment.records += entries.size();
  segment.bytes += frame.size();
}

void PredictionJournal::seal() {
  std::lock_guard lock(mutex_);
  close_open_segment();
}

bool PredictionJournal::open_segment_has_records() const {
  std::lock_guard lock(mutex_);
  if (open_fd_ < 0) return false;
  auto it = segments_.find(open_path_);
  return it != segments_.end() && it->second.records > 0;
}

std::vector<std::string> PredictionJournal::closed_segments() const {
  std::vector<std::string> found;
  std::error_code error;
  for (fs::directory_iterator it(dir_, error), end; !error && it != end; it.increment(error)) {
    if (it->is_regular_file(error) && is_segment(it->path())) found.push_back(it->path().string());
  }
  std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
    return fs::path(a).filename() < fs::path(b).filename();
  });
  std::lock_guard lock(mutex_);
  std::erase(found, open_path_);
  return found;
}

std::optional<size_t> PredictionJournal::replay(const std::string& segment,
                                                const StoreRecords& store) {
  const int fd = ::open(segment.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) return std::nullopt;  // a live process holds it
  // Another replayer may have finished and removed it between our open and lock.
  struct stat opened {
  }, named{};
  if (::fstat(fd, &opened) != 0 || ::stat(segment.c_str(), &named) != 0 ||
      opened.st_ino != named.st_ino || opened.st_dev != named.st_dev) {
    return std::nullopt;
  }
  const JournalSegmentRead read = read_journal_segment(segment);
  const size_t stored = store(std::span<const ServedLogEntry>(read.entries));
  if (::unlink(segment.c_str()) != 0 && errno != ENOENT) {
    throw IoError("{}: cannot remove a replayed journal segment: {}", segment,
                  std::strerror(errno));
  }
  std::lock_guard lock(mutex_);
  segments_.erase(segment);
  return stored;
}

uint64_t PredictionJournal::records() const {
  std::lock_guard lock(mutex_);
  uint64_t total = 0;
  for (const auto& [path, segment] : segments_) total += segment.records;
  return total;
}

uint64_t PredictionJournal::bytes() const {
  std::lock_guard lock(mutex_);
  uint64_t total = 0;
  for (const auto& [path, segment] : segments_) total += segment.bytes;
  return total;
}

}  // namespace mlops
