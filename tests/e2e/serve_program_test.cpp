// `mlops serve` runs the program mlops-serve installed next to mlops, so that only serving
// loads the HTTP server's libraries (docs/architecture.md, "Two programs"). These tests keep
// it so: `mlops` itself must not link cpp-httplib, OpenSSL or brotli, not even through another
// library, and without mlops-serve beside it `mlops serve` fails with a config error naming
// the missing file, while its flags are still checked and its help still printed.

#include <elf.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "mlops/core/version.h"

namespace mlops::testing {
namespace serve_program_test {

namespace fs = std::filesystem;

const fs::path kServeBinary = fs::path(MLOPS_BINARY).parent_path() / "mlops-serve";

// The libraries only the HTTP server needs: cpp-httplib and what Debian builds it with.
const std::vector<std::string> kServerOnly = {"libcpp-httplib.so", "libssl.so",
                                              "libcrypto.so",      "libbrotlienc.so",
                                              "libbrotlidec.so",   "libbrotlicommon.so"};

/// The DT_NEEDED entries of the ELF file `path` (a 64-bit little-endian executable), read
/// from its dynamic segment: what the loader maps before main(), as the linker recorded it.
std::vector<std::string> needed_libraries(const fs::path& path) {
  const std::string bytes = slurp(path);
  std::vector<std::string> needed;
  Elf64_Ehdr header;
  if (bytes.size() < sizeof header) {
    ADD_FAILURE() << path << ": not an ELF file";
    return needed;
  }
  std::memcpy(&header, bytes.data(), sizeof header);
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB) {
    ADD_FAILURE() << path << ": not a 64-bit little-endian ELF file";
    return needed;
  }
  std::vector<Elf64_Phdr> segments(header.e_phnum);
  for (size_t i = 0; i < segments.size(); ++i) {
    std::memcpy(&segments[i], bytes.data() + header.e_phoff + i * header.e_phentsize,
                sizeof(Elf64_Phdr));
  }
  // The string table's address is virtual: find the file offset of the segment holding it.
  auto file_offset = [&segments](Elf64_Addr address) -> size_t {
    for (const Elf64_Phdr& segment : segments) {
      if (segment.p_type == PT_LOAD && address >= segment.p_vaddr &&
          address < segment.p_vaddr + segment.p_filesz) {
        return address - segment.p_vaddr + segment.p_offset;
      }
    }
    return std::string::npos;
  };
  std::vector<Elf64_Xword> name_offsets;
  Elf64_Addr strings = 0;
  for (const Elf64_Phdr& segment : segments) {
    if (segment.p_type != PT_DYNAMIC) continue;
    for (size_t at = segment.p_offset;
         at + sizeof(Elf64_Dyn) <= segment.p_offset + segment.p_filesz; at += sizeof(Elf64_Dyn)) {
      Elf64_Dyn entry;
      std::memcpy(&entry, bytes.data() + at, sizeof entry);
      if (entry.d_tag == DT_NULL) break;
      if (entry.d_tag == DT_NEEDED) name_offsets.push_back(entry.d_un.d_val);
      if (entry.d_tag == DT_STRTAB) strings = entry.d_un.d_ptr;
    }
  }
  const size_t table = file_offset(strings);
  if (table == std::string::npos) {
    ADD_FAILURE() << path << ": no dynamic string table";
    return needed;
  }
  for (Elf64_Xword offset : name_offsets) needed.emplace_back(bytes.c_str() + table + offset);
  return needed;
}

/// Every library the loader maps for `path`, its dependencies' dependencies included, as
/// `ldd` lists them (the names before "=>").
std::vector<std::string> loaded_libraries(const fs::path& path) {
  std::vector<std::string> names;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(("ldd '" + path.string() + "'").c_str(), "r"),
                                             pclose);
  if (!pipe) {
    ADD_FAILURE() << "cannot run ldd";
    return names;
  }
  char line[4096];
  while (std::fgets(line, sizeof line, pipe.get())) {
    std::string text(line);
    const size_t start = text.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    names.push_back(text.substr(start, text.find_first_of(" \t\n", start) - start));
  }
  return names;
}

std::set<std::string> server_only_in(const std::vector<std::string>& libraries) {
  std::set<std::string> found;
  for (const std::string& library : libraries) {
    for (const std::string& prefix : kServerOnly) {
      if (library.starts_with(prefix)) found.insert(library);
    }
  }
  return found;
}

TEST(ServeProgram, MlopsDoesNotLinkTheHttpServerLibraries) {
  const std::vector<std::string> needed = needed_libraries(MLOPS_BINARY);
  ASSERT_FALSE(needed.empty()) << "no DT_NEEDED entry read from " MLOPS_BINARY;
  EXPECT_NE(std::find(needed.begin(), needed.end(), "libc.so.6"), needed.end());
  EXPECT_EQ(server_only_in(needed), std::set<std::string>{});

  const std::vector<std::string> loaded = loaded_libraries(MLOPS_BINARY);
  ASSERT_NE(std::find(loaded.begin(), loaded.end(), "libc.so.6"), loaded.end())
      << "ldd listed no libc for " MLOPS_BINARY;
  EXPECT_EQ(server_only_in(loaded), std::set<std::string>{});
}

TEST(ServeProgram, MlopsServeLinksTheHttpServer) {
  // The other side of the split, and proof that both readers above can see the libraries.
  ASSERT_TRUE(fs::exists(kServeBinary)) << kServeBinary;
  const std::set<std::string> needed = server_only_in(needed_libraries(kServeBinary));
  EXPECT_TRUE(needed.count("libcpp-httplib.so.0.11")) << ::testing::PrintToString(needed);
  const std::set<std::string> loaded = server_only_in(loaded_libraries(kServeBinary));
  EXPECT_TRUE(loaded.count("libssl.so.3")) << ::testing::PrintToString(loaded);
}

TEST(ServeProgram, ErrorsOfTheServerKeepMlopsExitCodesAndMessages) {
  TempDir dir;
  CliResult result = run_mlops("serve -w no-such-workflow.yaml", dir);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "mlops: config error: no-such-workflow.yaml: no such file\n");
  // After the config is loaded (its log format applied): nothing registered to serve.
  result = run_mlops(
      "serve -w workflows/penguins-species.yaml --port 0 --log-format json "
      "--set runs_dir=" +
          dir.file("runs"),
      dir);
  EXPECT_EQ(result.exit_code, 2);
  const nlohmann::json line = nlohmann::json::parse(result.err);
  EXPECT_EQ(line["level"], "error");
  EXPECT_EQ(line["msg"],
            "no registered model 'penguins-species' (registered: none): train it first "
            "(`mlops train` or `mlops run`)");
  EXPECT_EQ(line["kind"], "config");
  EXPECT_EQ(line["exit_code"], 2);
  EXPECT_EQ(result.out, "");
  result = run_mlops("serve --threads 0", dir);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("mlops: usage error: --threads: Value 0 not in range 1 to 1024"),
            std::string::npos)
      << result.err;
}

TEST(ServeProgram, WithoutMlopsServeBesideItServeIsAConfigErrorNamingTheFile) {
  TempDir dir;
  const fs::path lonely = dir.path() / "bin" / "mlops";
  fs::create_directories(lonely.parent_path());
  fs::copy_file(MLOPS_BINARY, lonely);
  auto run = [&](const std::string& args) {
    const std::string command = "cd '" MLOPS_SOURCE_DIR "' && '" + lonely.string() + "' " + args +
                                " > '" + dir.file("out") + "' 2> '" + dir.file("err") + "'";
    const int status = std::system(command.c_str());
    return CliResult{WIFEXITED(status) ? WEXITSTATUS(status) : -1, dir.read("out"),
                     dir.read("err")};
  };
  CliResult result = run("serve -w workflows/penguins-species.yaml --port 0");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "mlops: config error: mlops serve needs the program " +
                            (lonely.parent_path() / "mlops-serve").string() +
                            " installed next to mlops, and it is missing (install both programs: "
                            "docs/serving.md, \"Install\")\n");
  // What mlops answers alone: help, bad flags, and every other command.
  result = run("serve --help");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("--threads"), std::string::npos) << result.out;
  result = run("serve --port 70000");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("usage error: --port: Value 70000 not in range"), std::string::npos)
      << result.err;
  // There but not executable: the reason, still exit 2.
  const fs::path server = lonely.parent_path() / "mlops-serve";
  { std::ofstream(server) << "not a program\n"; }
  fs::permissions(server, fs::perms::owner_read | fs::perms::owner_write);
  result = run("serve --port 0");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "mlops: config error: mlops serve cannot start " + server.string() +
                            ": Permission denied\n");
  result = run("--version");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, std::string("mlops ") + kVersion + "\n");
}

}  // namespace serve_program_test
}  // namespace mlops::testing
