// `mlops ingest` exit codes and messages for what must never pass silently: a grown or changed
// file (no duplicated rows), a schema change (named --rebuild), every row quarantined, an
// empty file of any format.

#include <gtest/gtest.h>

#include <fstream>

#include "cli_runner.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

class IngestIntegrity : public ::testing::Test {
 protected:
  std::string workflow(const std::string& path, const std::string& schema = "") {
    return dir_.write("wf.yaml",
                      "name: t\ningest:\n  source: {path: \"" + dir_.file(path) + "\"}\n" + schema);
  }
  CliResult ingest(const std::string& extra = "") {
    return run_mlops("ingest --env local --workflow " + dir_.file("wf.yaml") +
                         " --set runs_dir=" + dir_.file("runs") + " " + extra,
                     dir_);
  }
  // Data lines of the clean table the run printed (run ids within one second do not sort).
  size_t clean_rows(const CliResult& run) {
    const size_t end = run.out.find("clean.csv\n");
    EXPECT_NE(end, std::string::npos) << run.out;
    const size_t start = run.out.rfind("  ", end) + 2;
    const std::string text = slurp(run.out.substr(start, end + 9 - start));
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) - 1;
  }
  TempDir dir_;
};

TEST_F(IngestIntegrity, AppendedFileAddsOnlyItsNewRowsAndAChangedOneReplacesItsOwn) {
  std::string csv = "id,v\n";
  for (int id = 1; id <= 200; ++id) csv += std::to_string(id) + ",x\n";
  dir_.write("in/a.csv", csv);
  workflow("in/a.csv");
  ASSERT_EQ(ingest().exit_code, 0);
  std::ofstream(dir_.file("in/a.csv"), std::ios::app) << "201,y\n202,y\n203,y\n204,y\n205,y\n";
  CliResult appended = ingest();
  ASSERT_EQ(appended.exit_code, 0) << appended.err;
  EXPECT_NE(appended.err.find("file grew; only the appended records are read"), std::string::npos)
      << appended.err;
  EXPECT_EQ(clean_rows(appended), 205u);
  dir_.write("in/a.csv", "id,v\n1,z\n2,z\n");
  CliResult changed = ingest();
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_EQ(clean_rows(changed), 2u);
}

TEST_F(IngestIntegrity, SchemaChangeExitsTwoNamingRebuildAndRebuildAppliesIt) {
  dir_.write("in/a.csv", "id,kind\n1,x\n2,z\n");
  workflow("in/a.csv", "  schema: {kind: {values: [x]}}\n");
  ASSERT_EQ(ingest().exit_code, 0);
  workflow("in/a.csv", "  schema: {kind: {values: [x, z]}}\n");
  CliResult refused = ingest();
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("run `mlops ingest --rebuild` to replay the raw layer through the "
                             "new schema"),
            std::string::npos)
      << refused.err;
  CliResult rebuilt = ingest("--rebuild");
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_EQ(clean_rows(rebuilt), 2u);
}

TEST_F(IngestIntegrity, EveryRowQuarantinedIsOneMessageExitFour) {
  dir_.write("in/a.jsonl", "{\"a\": \"x\"}\n{\"a\": \"x\"}\n");
  workflow("in/a.jsonl", "  schema: {a: int64, b: string, c: string}\n");
  CliResult result = ingest();
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_NE(result.err.find("mlops: data error: all 2 rows were quarantined; first reasons: "
                            "cannot parse 'x' as int64 (" +
                            dir_.file("in/a.jsonl") + " line 1)\n"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("declared_column_present"), std::string::npos) << result.err;
}

TEST_F(IngestIntegrity, EmptyCsvAndEmptyJsonBothExitFour) {
  for (const std::string name : {"in/e.csv", "in/e.json"}) {
    dir_.write(name, "");
    workflow(name);
    CliResult result = ingest();
    EXPECT_EQ(result.exit_code, 4) << name << result.err;
    EXPECT_NE(result.err.find(dir_.file(name) + ": the file is empty (no header and no records)"),
              std::string::npos)
        << result.err;
  }
}

// The text of the first file under `root` holding `needle`, or "".
std::string file_containing(const fs::path& root, const std::string& needle) {
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().filename() == "stderr.txt") continue;
    const std::string text = slurp(entry.path());
    if (text.find(needle) != std::string::npos) return text;
  }
  return "";
}

TEST_F(IngestIntegrity, ALatin1ByteQuarantinesItsRecordWithItsPosition) {
  dir_.write("in/a.csv",
             "id,city\n1,Paris\n2,Montr\xe9"
             "al\n3,Lyon\n");
  workflow("in/a.csv");
  CliResult result = ingest();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err.find("internal error"), std::string::npos) << result.err;
  EXPECT_EQ(clean_rows(result), 2u);
  const std::string reason =
      "byte 0xE9 at byte offset 23 (line 3, column 2) is not valid UTF-8; set "
      "ingest.source.encoding: latin-1 if the file is Latin-1";
  const std::string quarantined = file_containing(dir_.path(), reason);
  EXPECT_NE(quarantined.find("\"column\":\"city\""), std::string::npos) << quarantined;
  EXPECT_NE(quarantined.find(dir_.file("in/a.csv")), std::string::npos) << quarantined;
  const fs::path run = only_run(dir_.file("runs"));
  EXPECT_EQ(read_json(run / "manifest.json")["stages"]["ingest"]["status"], "ok");
  // A second ingest of the same lake is not wedged.
  EXPECT_EQ(ingest().exit_code, 0);
}

TEST_F(IngestIntegrity, Latin1EncodingTranscodesTheFile) {
  dir_.write("in/a.csv",
             "id,city\n1,Paris\n2,Montr\xe9"
             "al\n");
  dir_.write("wf.yaml", "name: t\ningest:\n  source: {path: \"" + dir_.file("in/a.csv") +
                            "\", encoding: latin-1}\n");
  CliResult result = ingest();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(clean_rows(result), 2u);
  EXPECT_NE(file_containing(dir_.file("runs"),
                            "Montr\xc3\xa9"
                            "al"),
            "");
}

TEST_F(IngestIntegrity, ABinaryFileRenamedCsvIsADataErrorNamingIt) {
  dir_.write("in/b.csv", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", 20));
  workflow("in/b.csv");
  CliResult result = ingest();
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_NE(result.err.find(dir_.file("in/b.csv") +
                            ": not a csv text file: a NUL byte at byte offset 8 (a binary file?)"),
            std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace mlops::testing
