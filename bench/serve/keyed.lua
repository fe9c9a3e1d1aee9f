-- wrk script for bench/serve/run.py: POSTs {"key": {KEY_NAME: k}} with k uniform over
-- 1..KEYS (environment variables KEY_NAME, default user_id, and KEYS, default 100000), and
-- counts answers that are not 200 (wrk's own "Non-2xx" line misses none, this names them).
local keys = tonumber(os.getenv("KEYS") or "100000")
local key_name = os.getenv("KEY_NAME") or "user_id"
local counts = {}

function setup(thread)
  thread:set("id", #counts + 1)
  table.insert(counts, thread)
end

function init(args)
  math.randomseed(17 + id)
  statuses = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local body = string.format('{"key": {"%s": %d}}', key_name, math.random(1, keys))
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad = {}
  for _, thread in ipairs(counts) do
    local s = thread:get("statuses")
    for status, n in pairs(s or {}) do bad[status] = (bad[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(bad) do table.insert(parts, string.format('"%d": %d', status, n)) end
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "non_200": {%s}, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "p999_us": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    table.concat(parts, ", "), summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, latency:percentile(50),
    latency:percentile(99), latency:percentile(99.9)))
end
