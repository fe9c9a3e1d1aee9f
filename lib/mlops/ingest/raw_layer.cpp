#include "mlops/ingest/raw_layer.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/core/secret_mask.h"
#include "mlops/core/time.h"
#include "mlops/io/file.h"

namespace mlops {
namespace {

std::string today_partition(int64_t now) {
  const CivilTime day = civil_from_micros(now);
  return fmt::format("date={:04}-{:02}-{:02}", day.year, day.month, day.day);
}

std::string dump_line(const nlohmann::json& line) {
  return mask_secrets(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
}

}  // namespace

RawLayer::RawLayer(std::string source_dir) : source_dir_(std::move(source_dir)) {}

void RawLayer::open_partition() {
  const std::string partition = today_partition(now_micros());
  if (partition == partition_ && index_) return;
  if (index_) sync();  // the day turned during a run: close yesterday's files durably
  partition_ = partition;
  bodies_.reset();  // opened by the first body: a partition of files only has none
  index_ = std::make_unique<AppendFile>(source_dir_ + "/" + partition_ + "/index.jsonl");
}

void RawLayer::append(std::string_view body, nlohmann::json meta) {
  open_partition();
  if (!bodies_)
    bodies_ = std::make_unique<AppendFile>(source_dir_ + "/" + partition_ + "/bodies.bin");
  meta["offset"] = bodies_->append(body);
  meta["bytes"] = body.size();
  meta["checksum"] = "xxh128:" + hash_bytes(body);
  meta["received_at"] = format_iso8601(now_micros());
  index_->append(dump_line(meta));
  ++count_;
}

std::string RawLayer::add_file(std::string_view bytes, const std::string& file_name,
                               nlohmann::json meta, std::string checksum) {
  open_partition();
  if (checksum.empty()) checksum = hash_bytes(bytes);
  // The checksum in the name keeps two versions of one file apart.
  const std::string copy =
      fmt::format("{}/{}/files/{}-{}", source_dir_, partition_, checksum.substr(0, 12), file_name);
  if (!path_exists(copy)) write_file_atomic(copy, bytes);
  meta["stored"] = copy;
  meta["bytes"] = bytes.size();
  meta["checksum"] = "xxh128:" + checksum;
  meta["received_at"] = format_iso8601(now_micros());
  index_->append(dump_line(meta));
  index_->sync();
  ++count_;
  return copy;
}

nlohmann::json RawLayer::committed(const nlohmann::json& before) const {
  if (!index_) return before;
  return {{"partition", partition_},
          {"index_bytes", index_->size()},
          {"bodies_bytes", bodies_ ? bodies_->size() : uint64_t{0}}};
}

void discard_uncommitted_raw(const std::string& source_dir, const nlohmann::json& committed) {
  namespace fs = std::filesystem;
  if (committed.is_null()) return;
  std::error_code error;
  if (!fs::is_directory(source_dir, error)) return;
  const std::string kept = committed.value("partition", "");
  for (const auto& entry : fs::directory_iterator(source_dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || !name.starts_with("date=") || name < kept) continue;
    if (name > kept) {  // written after the last commit (kept == "": nothing was committed)
      fs::remove_all(entry.path(), error);
      continue;
    }
    const std::string partition = entry.path().string();
    AppendFile index(partition + "/index.jsonl", committed.value("index_bytes", uint64_t{0}));
    if (path_exists(partition + "/bodies.bin")) {
      AppendFile bodies(partition + "/bodies.bin", committed.value("bodies_bytes", uint64_t{0}));
    }
  }
}

void RawLayer::sync() {
  if (!index_) return;
  if (bodies_) bodies_->sync();
  index_->sync();
}

std::vector<RawEntry> read_raw_index(const std::string& source_dir) {
  namespace fs = std::filesystem;
  std::vector<RawEntry> entries;
  std::error_code error;
  if (!fs::is_directory(source_dir, error)) return entries;
  std::vector<std::string> partitions;
  for (const auto& entry : fs::directory_iterator(source_dir, error)) {
    if (entry.is_directory()) partitions.push_back(entry.path().string());
  }
  std::sort(partitions.begin(), partitions.end());  // date=YYYY-MM-DD sorts by date
  for (const auto& partition : partitions) {
    const std::string index = partition + "/index.jsonl";
    if (!path_exists(index)) continue;
    std::istringstream lines(read_file(index));
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      try {
        entries.push_back({partition, nlohmann::json::parse(line)});
      } catch (const nlohmann::json::exception& e) {
        throw IoError("{}: not a raw index: {}", index, e.what());
      }
    }
  }
  return entries;
}

std::string read_raw_body(const RawEntry& entry) {
  const std::string path = entry.partition + "/bodies.bin";
  const auto offset = entry.meta.value("offset", uint64_t{0});
  const auto size = entry.meta.value("bytes", uint64_t{0});
  std::string body(size, '\0');
  std::ifstream in(path, std::ios::binary);
  if (size > 0) {
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(body.data(), static_cast<std::streamsize>(size));
    if (!in || static_cast<uint64_t>(in.gcount()) != size) {
      throw IoError("{}: {} bytes at offset {} are missing; the raw layer is damaged", path, size,
                    offset);
    }
  }
  const std::string checksum = entry.meta.value("checksum", "");
  if (!checksum.empty() && checksum != "xxh128:" + hash_bytes(body)) {
    throw IoError(
        "{}: the {} bytes at offset {} differ from those received (checksum {}); the "
        "raw layer is damaged",
        path, size, offset, checksum);
  }
  return body;
}

}  // namespace mlops
