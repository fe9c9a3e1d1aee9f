-- wrk script for bench/serve/run.py: POSTs {"key": {KEY_NAME: k}} with k uniform over
-- 1..KEYS (environment variables KEY_NAME, default user_id, and KEYS, default 100000), and
-- reports wrk's count of answers that are not 2xx or 3xx (summary.errors.status: the servers
-- answer 200 or an error). No response() callback: with one, wrk parses every answer's
-- headers and body into Lua, which cost more than the request it was measuring.
-- Each thread formats 16,384 requests once in init() and sends them in turn: formatting one
-- per request in Lua cost wrk about 8.6 us of the 2-core machine's CPU per request, taken from
-- whichever server is measured (wrk's README: build requests up front for best performance).
local keys = tonumber(os.getenv("KEYS") or "100000")
local key_name = os.getenv("KEY_NAME") or "user_id"
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

local prepared = 16384

function init(args)
  math.randomseed(17 + id)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  requests = {}
  for i = 1, prepared do
    local body = string.format('{"key": {"%s": %d}}', key_name, math.random(1, keys))
    requests[i] = wrk.format(nil, nil, nil, body)
  end
  next_request = 0
end

function request()
  next_request = next_request % prepared + 1
  return requests[next_request]
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "non_2xx": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "p999_us": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, latency:percentile(50),
    latency:percentile(99), latency:percentile(99.9)))
end
