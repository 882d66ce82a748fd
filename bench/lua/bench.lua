-- wrk script of the Clipstream benchmark (bench/run.py writes the data file it reads).
--
--   wrk -t1 -c32 -d10s --timeout 30s -s bench/lua/bench.lua http://127.0.0.1:PORT -- DATA.lua
--
-- DATA.lua returns { tokens = {...}, threads = { {request, ...}, ... } } where a request is
-- { m = method, p = path, t = token index (0-based) or nil, b = JSON body or nil }. Each wrk
-- thread cycles through its own list, so alternating sequences (like PUT, then DELETE) stay in
-- order per thread. done() prints one line, "BENCH_RESULT {json}", that bench/run.py parses:
-- latencies in microseconds and the number of non-2xx responses by status.

local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

function init(args)
   local data = dofile(args[1])
   local mine = data.threads[(tid % #data.threads) + 1]
   requests = {}
   for i, r in ipairs(mine) do
      local headers = {}
      if r.t then headers["Authorization"] = "Bearer " .. data.tokens[r.t + 1] end
      if r.b then headers["Content-Type"] = "application/json" end
      requests[i] = wrk.format(r.m, r.p, headers, r.b)
   end
   counter = 1
   non2xx = 0
   statuses = {}
end

function request()
   local r = requests[counter]
   counter = counter % #requests + 1
   return r
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      statuses[status] = (statuses[status] or 0) + 1
   end
end

function done(summary, latency, requests)
   local total, by_status = 0, {}
   for _, thread in ipairs(threads) do
      total = total + thread:get("non2xx")
      for status, n in pairs(thread:get("statuses")) do
         by_status[status] = (by_status[status] or 0) + n
      end
   end
   local parts = {}
   for status, n in pairs(by_status) do
      table.insert(parts, string.format('"%d":%d', status, n))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
      '"non2xx":%d,"statuses":{%s},' ..
      '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d}\n',
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean,
      total, table.concat(parts, ","),
      e.connect, e.read, e.write, e.timeout))
end
