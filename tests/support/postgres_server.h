#pragma once
// A real PostgreSQL server for tests, from Debian's `postgresql` package (initdb, pg_ctl under
// /usr/lib/postgresql/<N>/bin): a cluster in a temporary directory on a free 127.0.0.1 port,
// with one password-authenticated (scram-sha-256) superuser, run as the `postgres` user when
// the tests run as root (PostgreSQL refuses to run as root), the directory handed over to it.
//
// One server serves a whole test run: ctest starts it once (the `postgres_cluster_start`
// fixture test runs `postgres_test_cluster start DIR`) and passes DIR in MLOPS_TEST_POSTGRES;
// a test binary run by hand starts its own on first use and stops it at exit. Each test asks
// for a fresh database (create_database), so tests never see each other's rows.
//
// Tests start with MLOPS_REQUIRE_TOOL(PostgresServer::available(), "PostgreSQL (postgresql)"),
// so a missing server fails in CI (tests/support/optional_tool.h).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "mlops/io/process.h"
#include "mlops/store/postgres/pg_connection.h"

namespace mlops::testing {

/// A cluster in `dir`: created, started and stopped with PostgreSQL's own tools.
class PostgresCluster {
 public:
  static constexpr const char* kUser = "mlops";

  /// The bin folder of the newest installed PostgreSQL, if any.
  static std::optional<std::filesystem::path> bin_dir() {
    std::error_code error;
    std::optional<std::filesystem::path> best;
    int best_major = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", error)) {
      const auto bin = entry.path() / "bin";
      const int major = std::atoi(entry.path().filename().c_str());
      if (std::filesystem::exists(bin / "initdb") && major > best_major) {
        best = bin;
        best_major = major;
      }
    }
    return best;
  }

  /// Creates and starts a cluster in `dir` (created; must not hold one yet). Throws
  /// std::runtime_error with PostgreSQL's output when it cannot.
  static void start(const std::filesystem::path& dir) {
    const auto bin = bin_dir();
    if (!bin) throw std::runtime_error("PostgreSQL is not installed (package postgresql)");
    std::filesystem::create_directories(dir);
    std::random_device device;
    const std::string password = "pw-" + std::to_string(device()) + std::to_string(device());
    write(dir / "pwfile", password + "\n");
    hand_over(dir);
    check(run_as_owner({(*bin / "initdb").string(), "-D", (dir / "data").string(), "-U", kUser,
                        "--auth=scram-sha-256", "--pwfile=" + (dir / "pwfile").string(), "-E",
                        "UTF8", "--locale=C", "--no-sync", "--no-instructions"}),
          "initdb");
    for (int attempt = 0;; ++attempt) {
      const int port = free_port();
      const ProcessResult started =
          run_as_owner({(*bin / "pg_ctl").string(), "-D", (dir / "data").string(), "-l",
                        (dir / "server.log").string(), "-w", "-t", "30", "-o",
                        "-p " + std::to_string(port) + " -k " + dir.string() +
                            " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                            "-c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB",
                        "start"});
      if (started.exit_code == 0) {
        write(dir / "url", "postgresql://" + std::string(kUser) + ":" + password +
                               "@127.0.0.1:" + std::to_string(port) + "/postgres\n");
        return;
      }
      if (attempt == 4) check(started, "pg_ctl start");  // the port was taken: try another
    }
  }

  /// Stops the cluster in `dir` (fast shutdown) and removes the directory.
  static void stop(const std::filesystem::path& dir) {
    if (const auto bin = bin_dir(); bin && std::filesystem::exists(dir / "data")) {
      run_as_owner({(*bin / "pg_ctl").string(), "-D", (dir / "data").string(), "-m", "immediate",
                    "-w", "stop"});
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  /// The superuser's URL of the running cluster in `dir` (database `postgres`).
  static std::string admin_url(const std::filesystem::path& dir) {
    std::ifstream in(dir / "url");
    std::string url;
    std::getline(in, url);
    if (url.empty()) throw std::runtime_error("no PostgreSQL cluster in " + dir.string());
    return url;
  }

 private:
  static void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0600);
  }

  /// As root, gives `dir` to the `postgres` user (PostgreSQL will not run as root).
  static void hand_over(const std::filesystem::path& dir) {
    if (::geteuid() != 0) return;
    const passwd* owner = ::getpwnam("postgres");
    if (!owner) throw std::runtime_error("running as root and there is no `postgres` user");
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      (void)::chown(entry.path().c_str(), owner->pw_uid, owner->pw_gid);
    }
    (void)::chown(dir.c_str(), owner->pw_uid, owner->pw_gid);
    ::chmod(dir.c_str(), 0700);
  }

  static ProcessResult run_as_owner(std::vector<std::string> argv) {
    if (::geteuid() == 0) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
    return run_process(argv);
  }

  static void check(const ProcessResult& result, const std::string& what) {
    if (result.exit_code == 0) return;
    throw std::runtime_error(what + " failed (exit " + std::to_string(result.exit_code) +
                             "): " + result.out + result.err);
  }

  static int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    close(fd);
    return ntohs(address.sin_port);
  }
};

/// The test process's PostgreSQL server.
class PostgresServer {
 public:
  static bool available() { return PostgresCluster::bin_dir().has_value(); }

  /// The server every test of this process uses: the ctest fixture's (MLOPS_TEST_POSTGRES),
  /// else one started now and stopped at exit. Throws std::runtime_error when it cannot start.
  static PostgresServer& shared() {
    static PostgresServer server;
    return server;
  }

  /// A new empty database owned by the test user; its URL with the password.
  std::string create_database() {
    static std::atomic<int> counter{0};
    // Appended piece by piece: `"t" + std::to_string(...)` trips GCC 12's -Wrestrict (a false
    // positive in the inlined operator+).
    std::string name = "t";
    name.append(std::to_string(::getpid())).append("_").append(std::to_string(++counter));
    admin().exec("CREATE DATABASE " + name);
    created_.push_back(name);
    return url(name);
  }

  /// postgresql://mlops:PASSWORD@127.0.0.1:PORT/DB
  std::string url(const std::string& db) const {
    return admin_url_.substr(0, admin_url_.rfind('/') + 1) + db;
  }
  /// postgresql://mlops@127.0.0.1:PORT/DB: the URL with the password left out.
  std::string url_without_password(const std::string& db) const {
    return "postgresql://" + std::string(PostgresCluster::kUser) +
           "@127.0.0.1:" + std::to_string(port()) + "/" + db;
  }
  std::string password() const {
    const size_t start = admin_url_.find(':', 13) + 1;
    return admin_url_.substr(start, admin_url_.find('@') - start);
  }
  int port() const {
    const size_t colon = admin_url_.rfind(':');
    return std::atoi(admin_url_.c_str() + colon + 1);
  }
  /// A connection to the `postgres` database as the superuser (for tests that tamper).
  PgConnection& admin() {
    if (!admin_) {
      admin_ = std::make_unique<PgConnection>(PostgresLocation{admin_url_, "test server"},
                                              "test server");
    }
    return *admin_;
  }
  /// Drops this process's databases from a shared server (a test run creates hundreds), or
  /// stops the server it started.
  ~PostgresServer() {
    if (!own_) {
      for (const std::string& name : created_) {
        try {
          std::string drop = "DROP DATABASE IF EXISTS ";  // (GCC 12 warns on "..." + name)
          drop += name;
          drop += " WITH (FORCE)";
          admin().exec(drop);
        } catch (const std::exception&) {  // the server is gone: nothing left to drop
        }
      }
    }
    admin_.reset();
    if (own_) PostgresCluster::stop(dir_);
  }

 private:
  PostgresServer() {
    if (const char* fixture = std::getenv("MLOPS_TEST_POSTGRES"); fixture && *fixture) {
      dir_ = fixture;
    } else {
      std::random_device device;
      dir_ = std::filesystem::temp_directory_path() /
             ("mlops-pg-" + std::to_string(device()) + std::to_string(device()));
      PostgresCluster::start(dir_);
      own_ = true;
    }
    admin_url_ = PostgresCluster::admin_url(dir_);
  }

  std::filesystem::path dir_;
  bool own_ = false;
  std::string admin_url_;
  std::unique_ptr<PgConnection> admin_;
  std::vector<std::string> created_;
};

}  // namespace mlops::testing
