-- wrk script of bench/votes.py: POST a vote with a bearer token rotating over the voters.
--   wrk -t T -c C -d D -s bench/votes.lua URL -- PATH TOKENS_FILE T
-- Thread t sends its k-th request as voter (k * T + t) mod N, choices in turn; every thread
-- counts the statuses it got and done() prints one JSON line with the totals.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  path, tokens, n, nthreads = args[1], {}, 0, tonumber(args[3])
  for line in io.lines(args[2]) do
    n = n + 1
    tokens[n] = "Bearer " .. line
  end
  bodies = {'{"choice": "yes"}', '{"choice": "no"}', '{"choice": "abstain"}'}
  k, statuses = 0, {}
end

function request()
  local voter = (k * nthreads + id) % n
  k = k + 1
  return wrk.format("POST", path, {["Authorization"] = tokens[voter + 1], ["Content-Type"] = "application/json"},
                    bodies[(k + voter) % 3 + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "statuses": {%s}, "errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, "latency_us": {"p50": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, table.concat(parts, ", "), e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
