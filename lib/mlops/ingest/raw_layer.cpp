#include "mlops/ingest/raw_layer.h"

#include <fmt/format.h>

#include "mlops/core/hash.h"
#include "mlops/core/time.h"
#include "mlops/io/file.h"

namespace mlops {
namespace {

std::string today_partition(int64_t now) {
  const CivilTime day = civil_from_micros(now);
  return fmt::format("date={:04}-{:02}-{:02}", day.year, day.month, day.day);
}

std::string dump_line(const nlohmann::json& line) {
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
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

void RawLayer::sync() {
  if (!index_) return;
  if (bodies_) bodies_->sync();
  index_->sync();
}

}  // namespace mlops
