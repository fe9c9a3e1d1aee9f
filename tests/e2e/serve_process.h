#pragma once
// `mlops serve` as the tests run it: the built binary started in a project directory on a free
// 127.0.0.1 port (--port 0; the port read from its one stdout line), ready once /healthz
// answers; stopped with SIGTERM (or SIGKILL by the destructor when a test failed early).

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.h"

extern char** environ;

namespace mlops::testing {

class ServeProcess {
 public:
  /// Starts `mlops serve <args>` in `cwd` with `env` (NAME=VALUE) added to the environment;
  /// stdout and stderr go to files in `logs`. Waits until /healthz answers (or the process
  /// exits, started() then false).
  ServeProcess(const std::string& cwd, const std::string& args, const TempDir& logs,
               const std::vector<std::string>& env = {})
      : out_(logs.file("serve-" + std::to_string(++count()) + ".out")),
        err_(out_.substr(0, out_.size() - 4) + ".err") {
    std::vector<std::string> argv{MLOPS_BINARY, "serve", "--port", "0"};
    std::istringstream words(args);
    for (std::string word; words >> word;) argv.push_back(word);
    std::vector<char*> raw;
    for (auto& arg : argv) raw.push_back(arg.data());
    raw.push_back(nullptr);
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e) environment.emplace_back(*e);
    for (const auto& extra : env) environment.push_back(extra);
    std::vector<char*> envp;
    for (auto& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn(&pid_, raw[0], &actions, nullptr, raw.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        pid_ = -1;
        return;
      }
      const std::string out = slurp(out_);
      const size_t at = out.find("listening on port ");
      if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
        port_ = std::stoi(out.substr(at + 18));
        httplib::Client client("127.0.0.1", port_);
        if (auto res = client.Get("/healthz"); res && res->status == 200) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ServeProcess(const ServeProcess&) = delete;
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  bool started() const { return port_ > 0 && pid_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string err() const { return slurp(err_); }
  std::string out() const { return slurp(out_); }
  /// The exit code once the process ended (start failure or stop()).
  int exit_code() const { return exit_code_; }

  /// A new client of this server.
  std::unique_ptr<httplib::Client> client() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client->set_read_timeout(10, 0);
    return client;
  }
  /// POSTs `body` to the predict route of `workflow`.
  httplib::Result predict(const std::string& workflow, const std::string& body,
                          const httplib::Headers& headers = {}) const {
    return client()->Post(("/v1/workflows/" + workflow + "/predict").c_str(), headers, body,
                          "application/json");
  }

  /// Sends `signal` and waits for the exit; returns the exit code (-signal when killed).
  int stop(int signal = SIGTERM) {
    if (pid_ <= 0) return exit_code_;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return exit_code_;
  }

 private:
  static int& count() {
    static int n = 0;
    return n;
  }
  std::string out_, err_;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_code_ = -1;
};

/// The parsed JSON body of a result (null when there is none).
inline nlohmann::json body_json(const httplib::Result& result) {
  if (!result) return nullptr;
  return nlohmann::json::parse(result->body, nullptr, false);
}

}  // namespace mlops::testing
