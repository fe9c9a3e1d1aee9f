#include "mlops/serve/service.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <chrono>
#include <future>
#include <thread>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/secret_mask.h"
#include "mlops/core/stop_signal.h"
#include "mlops/serve/http_api.h"
#include "mlops/serve/http_server.h"
#include "mlops/serve/loop_server.h"
#include "mlops/store/open_stores.h"

namespace mlops {

namespace {

std::string model_name(const Workflow& workflow) {
  return workflow.registry.model.empty() ? workflow.name : workflow.registry.model;
}

void log_reloads(ServeState& state, const std::vector<ReloadEvent>& events) {
  for (const ReloadEvent& event : events) {
    const ServedWorkflow& workflow = state.workflows[event.slot];
    state.metrics->count_reload(event.slot, event.ok);
    if (event.ok) {
      log_info("serve: reloaded", {{"workflow", workflow.name},
                                   {"from", fmt::format("v{}", event.from_version)},
                                   {"to", fmt::format("v{}", event.to_version)}});
    } else {
      // No new version known: the registry itself could not be read (unreachable, locked).
      const bool registry_unread = event.to_version == event.from_version;
      log_warn(registry_unread
                   ? "serve: the registry cannot be read to look for a new version; still serving "
                     "the current one"
                   : "serve: the new version cannot be loaded; still serving the old one",
               {{"workflow", workflow.name},
                {"serving", fmt::format("v{}", event.from_version)},
                {"reason", event.error}});
    }
  }
}

}  // namespace

void run_serve(const std::vector<Workflow>& workflows, const ServeOverrides& overrides,
               PredictionSink& sink, const std::function<void(int port)>& on_listening) {
  if (workflows.empty()) throw ConfigError("serve: no workflow to serve");
  ServeState state;
  state.settings = read_server_settings(workflows.front());
  if (overrides.host) state.settings.host = *overrides.host;
  if (overrides.port) state.settings.port = *overrides.port;
  // --threads sizes whichever server runs: its event loops, or its workers.
  if (overrides.threads) {
    state.settings.threads = *overrides.threads;
    state.settings.loop_threads = *overrides.threads;
  }
  if (!state.settings.token.empty()) register_secret(state.settings.token);
  state.sink = &sink;

  // The models, one per workflow, loaded before the port opens (readiness from the start).
  std::unique_ptr<ModelRegistry> registry = open_registry(workflows.front().settings);
  std::vector<std::pair<std::string, std::string>> slots;
  std::vector<std::string> names;
  for (const Workflow& workflow : workflows) {
    for (const std::string& name : names) {
      if (name == workflow.name) throw ConfigError("serve: workflow '{}' given twice", name);
    }
    names.push_back(workflow.name);
    slots.emplace_back(model_name(workflow), read_workflow_serve_settings(workflow).alias);
  }
  state.models = std::make_unique<ModelSet>(*registry, slots);
  state.metrics = std::make_unique<ServeMetrics>(names);
  for (size_t i = 0; i < workflows.size(); ++i) {
    const Workflow& workflow = workflows[i];
    OnlineStorePool* pool = nullptr;
    for (size_t j = 0; j < i; ++j) {
      if (workflows[j].settings.online_store_url == workflow.settings.online_store_url) {
        pool = state.workflows[j].store;
      }
    }
    if (!pool) {
      state.stores.push_back(std::make_unique<OnlineStorePool>(
          workflow.settings, /*share_lookups=*/state.settings.http_server != "loop"));
      pool = state.stores.back().get();
    }
    state.workflows.push_back(
        {.name = workflow.name,
         .model = model_name(workflow),
         .slot = i,
         .predictor = std::make_unique<Predictor>(workflow, read_workflow_serve_settings(workflow)),
         .store = pool});
    const auto model = state.models->get(i);
    state.workflows.back().predictor->check_default_prediction(*model);
    log_info("serve: loaded", {{"workflow", workflow.name},
                               {"model", model_name(workflow)},
                               {"alias", state.models->alias(i)},
                               {"version", model->engine.version()}});
  }

  // serve.http_server picks the HTTP layer; both answer through http_api's routes.
  const bool loop = state.settings.http_server == "loop";
  HttpServer server;
  std::unique_ptr<LoopServer> loop_server;
  int port = state.settings.port;
  if (loop) {
    loop_server = std::make_unique<LoopServer>(state);
    port = loop_server->bind(state.settings.host, port);
  } else {
    // cpp-httplib's default options add SO_REUSEPORT, with which a second server on a port in
    // use binds too and silently takes half the traffic; SO_REUSEADDR alone still allows a
    // restart while the old server's connections are in TIME_WAIT, and "in use" is an error.
    server.set_socket_options([](int socket) {
      const int on = 1;
      ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    });
    install_routes(server, state);
    if (port == 0) {
      port = server.bind_to_any_port(state.settings.host);
      if (port < 0) {
        throw IoError("serve: cannot listen on {} (any port)", state.settings.host);
      }
    } else if (!server.bind_to_port(state.settings.host, port)) {
      throw IoError("serve: cannot listen on {}:{} (in use, or not an address of this machine)",
                    state.settings.host, port);
    }
  }
  install_stop_handlers();
  install_reload_handler();
  std::promise<void> stopped;
  std::future<void> listening_done = stopped.get_future();
  std::thread listener([&server, &loop_server, &stopped] {
    try {
      if (loop_server) {
        loop_server->run();
      } else {
        server.listen_after_bind();
      }
    } catch (const std::exception& error) {
      log_error("serve: the HTTP server failed", {{"reason", error.what()}});
    }
    stopped.set_value();
  });
  const size_t threads = loop ? loop_server->loop_count() : state.settings.threads;
  log_info("serve: listening", {{"url", fmt::format("http://{}:{}", state.settings.host, port)},
                                {"server", state.settings.http_server},
                                {"threads", std::to_string(threads)},
                                {"workflows", fmt::format("{}", fmt::join(names, ","))},
                                {"auth", state.settings.token.empty() ? "off" : "bearer"}});
  if (on_listening) on_listening(port);

  // The reloader: this thread, off the request path.
  using Clock = std::chrono::steady_clock;
  Clock::time_point next_reload = Clock::now() + state.settings.reload_interval;
  while (!stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const bool interval = state.settings.reload_interval.count() > 0 && Clock::now() >= next_reload;
    if (take_reload_request() || interval) {
      log_reloads(state, state.models->refresh(*registry));
      next_reload = Clock::now() + state.settings.reload_interval;
    }
  }

  // Drain: no new connection; requests in flight finish, idle keep-alive connections close.
  log_info("serve: stopping; draining requests in flight",
           {{"in_flight", std::to_string(state.in_flight.load())}});
  const Clock::time_point drain_start = Clock::now();
  if (loop_server) {
    loop_server->stop();
  } else {
    server.stop();
  }
  const bool drained =
      listening_done.wait_for(state.settings.drain_timeout) == std::future_status::ready;
  if (!drained) {
    // Not expected: serve.read_timeout and serve.keep_alive_timeout are below the drain bound.
    log_warn("serve: requests still in flight after serve.drain_timeout; waiting for them",
             {{"in_flight", std::to_string(state.in_flight.load())}});
  }
  listener.join();
  const auto left =
      state.settings.drain_timeout -
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - drain_start);
  sink.close(std::max(left, std::chrono::milliseconds(1000)));
  const PredictionSinkStats stats = sink.stats();
  log_info("serve: stopped", {{"logged", std::to_string(stats.accepted)},
                              {"stored", std::to_string(stats.stored)},
                              {"journaled", std::to_string(stats.journaled)}});
}

}  // namespace mlops
