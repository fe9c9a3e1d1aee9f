// The journal's segment files: frames read back exactly, a torn tail or a damaged frame skipped
// with a warning (never a throw), a live process's segment never replayed under it.

#include "mlops/serve/prediction_journal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

namespace fs = std::filesystem;

std::vector<ServedLogEntry> entries(int from, int count) {
  std::vector<ServedLogEntry> out;
  for (int n = from; n < from + count; ++n) {
    // Built by designated initializers: assigning a literal to each string member trips
    // GCC 12's false -Wrestrict warning (GCC bug 105329) once inlined.
    const ServedPrediction p{.model = "m",
                             .request_id = fmt::format("req \"{}\"", n),  // quotes survive
                             .row_key = fmt::format("k|{}", n),
                             .model_version = "v2",
                             .source = n % 2 ? "baseline" : "model",
                             .prediction = "b",
                             .score = n % 3 ? 0.125 * n : std::nan(""),
                             .probabilities = {0.1f, 0.7f, 0.2f},
                             .features_hash = 0xfedcba9876543210ull + static_cast<uint64_t>(n),
                             .served_at_us = 1'700'000'000'123'456 + n,
                             .latency_ms = 0.75};
    out.push_back({fmt::format("id-{}", n), p});
  }
  return out;
}

void expect_same(const ServedLogEntry& a, const ServedLogEntry& b) {
  EXPECT_EQ(a.log_id, b.log_id);
  const ServedPrediction &x = a.prediction, &y = b.prediction;
  EXPECT_EQ(x.model, y.model);
  EXPECT_EQ(x.request_id, y.request_id);
  EXPECT_EQ(x.row_key, y.row_key);
  EXPECT_EQ(x.model_version, y.model_version);
  EXPECT_EQ(x.source, y.source);
  EXPECT_EQ(x.prediction, y.prediction);
  EXPECT_TRUE(x.score == y.score || (std::isnan(x.score) && std::isnan(y.score)));
  EXPECT_EQ(x.probabilities, y.probabilities);
  EXPECT_EQ(x.features_hash, y.features_hash);
  EXPECT_EQ(x.served_at_us, y.served_at_us);
  EXPECT_EQ(x.latency_ms, y.latency_ms);
}

std::vector<std::string> segments(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) found.push_back(entry.path().string());
  return found;
}

TEST(PredictionJournal, FramesReadBackExactly) {
  testing::TempDir dir;
  const auto first = entries(0, 3), second = entries(3, 2);
  {
    PredictionJournal journal(dir.file("j"));
    journal.append(first);
    journal.append(second);
    EXPECT_EQ(journal.records(), 5u);
    EXPECT_TRUE(journal.open_segment_has_records());
    EXPECT_TRUE(journal.closed_segments().empty());  // the open one is not replayable
    journal.seal();
    EXPECT_EQ(journal.closed_segments().size(), 1u);
  }
  const auto files = segments(dir.file("j"));
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(fs::file_size(files[0]), PredictionJournal(dir.file("j")).bytes());
  const JournalSegmentRead read = read_journal_segment(files[0]);
  EXPECT_EQ(read.damaged_bytes, 0u);
  ASSERT_EQ(read.entries.size(), 5u);
  for (int n = 0; n < 3; ++n) expect_same(read.entries[n], first[n]);
  for (int n = 0; n < 2; ++n) expect_same(read.entries[3 + n], second[n]);
}

TEST(PredictionJournal, ATornTailAndADamagedFrameAreSkippedWithAWarning) {
  testing::TempDir dir;
  const std::string a = encode_journal_frame(entries(0, 2));
  std::string b = encode_journal_frame(entries(2, 2));
  const std::string c = encode_journal_frame(entries(4, 1));
  const std::string d = encode_journal_frame(entries(5, 3));
  b[b.size() / 2] ^= 0x20;  // a flipped bit in the middle frame's payload
  // The last frame cut short, as a crash in the middle of write(2) leaves it.
  const std::string path =
      dir.write("j/00000000000000000001-1-0.journal", a + b + c + d.substr(0, d.size() - 7));
  ::testing::internal::CaptureStderr();
  const JournalSegmentRead read = read_journal_segment(path);
  const std::string warnings = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(read.entries.size(), 3u);
  EXPECT_EQ(read.entries[0].log_id, "id-0");
  EXPECT_EQ(read.entries[1].log_id, "id-1");
  EXPECT_EQ(read.entries[2].log_id, "id-4");
  EXPECT_EQ(read.damaged_bytes, b.size() + d.size() - 7);
  EXPECT_NE(warnings.find("serve log: a torn or damaged journal frame skipped"), std::string::npos)
      << warnings;
  EXPECT_NE(warnings.find(path), std::string::npos) << warnings;
  // Counted at start as what checks out.
  PredictionJournal journal(dir.file("j"));
  EXPECT_EQ(journal.records(), 3u);
}

TEST(PredictionJournal, ReplayHandsRecordsOverThenRemovesTheSegment) {
  testing::TempDir dir;
  PredictionJournal journal(dir.file("j"));
  journal.append(entries(0, 4));
  journal.seal();
  const auto closed = journal.closed_segments();
  ASSERT_EQ(closed.size(), 1u);
  // A store that fails keeps the segment.
  EXPECT_THROW(journal.replay(
                   closed[0],
                   [](std::span<const ServedLogEntry>) -> size_t { throw IoError("store down"); }),
               IoError);
  EXPECT_TRUE(fs::exists(closed[0]));
  EXPECT_EQ(journal.records(), 4u);
  size_t handed = 0;
  const auto stored = journal.replay(closed[0], [&](std::span<const ServedLogEntry> records) {
    handed = records.size();
    return records.size();
  });
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, 4u);
  EXPECT_EQ(handed, 4u);
  EXPECT_FALSE(fs::exists(closed[0]));
  EXPECT_EQ(journal.records(), 0u);
  EXPECT_EQ(journal.bytes(), 0u);
}

TEST(PredictionJournal, ASegmentLockedByALiveProcessIsNotReplayed) {
  testing::TempDir dir;
  PredictionJournal journal(dir.file("j"));
  journal.append(entries(0, 1));
  journal.seal();
  const std::string segment = journal.closed_segments().at(0);
  const int fd = ::open(segment.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);  // as the process writing it holds it
  bool called = false;
  auto store = [&](std::span<const ServedLogEntry> records) {
    called = true;
    return records.size();
  };
  EXPECT_FALSE(journal.replay(segment, store));
  EXPECT_FALSE(called);
  EXPECT_TRUE(fs::exists(segment));
  ::close(fd);  // the process died: its lock went with it
  EXPECT_TRUE(journal.replay(segment, store));
  EXPECT_TRUE(called);
}

TEST(PredictionJournal, AFullSegmentIsClosedAndANewOneOpened) {
  testing::TempDir dir;
  PredictionJournal journal(dir.file("j"), 1);  // every frame fills a segment
  journal.append(entries(0, 1));
  journal.append(entries(1, 1));
  journal.append(entries(2, 1));
  EXPECT_EQ(journal.closed_segments().size(), 2u);
  EXPECT_EQ(segments(dir.file("j")).size(), 3u);
  EXPECT_EQ(journal.records(), 3u);
}

TEST(PredictionJournal, AnUnwritableFolderIsAnIoError) {
  testing::TempDir dir;
  dir.write("file", "x");
  PredictionJournal journal(dir.file("file/j"));
  EXPECT_THROW(journal.append(entries(0, 1)), IoError);
  EXPECT_EQ(journal.records(), 0u);
}

}  // namespace
}  // namespace mlops
