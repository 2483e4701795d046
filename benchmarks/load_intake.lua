-- wrk script for benchmarks/load_intake.py: one phase per run, chosen by LOAD_PHASE.
--   health: GET /api/v1/health/ (no authentication, no database)
--   read:   GET /api/v1/dossiers/LOAD_DOSSIER/ with LOAD_TOKEN (an authenticated, scoped read)
--   intake: POST /api/v1/dossiers/ with LOAD_TOKEN for LOAD_PROCEDURE of LOAD_AGENCY, each body
--           a different applicant
-- At the end it prints one line, "WRK_RESULT {...}", that the Python side reads.

local phase = os.getenv("LOAD_PHASE") or "health"
local token = os.getenv("LOAD_TOKEN") or ""
local procedure = os.getenv("LOAD_PROCEDURE") or ""
local agency = os.getenv("LOAD_AGENCY") or ""
local dossier = os.getenv("LOAD_DOSSIER") or ""
local threads = {}
local thread_number = 0
local sent = 0

function setup(thread)
   thread_number = thread_number + 1
   thread:set("thread_number", thread_number)
   table.insert(threads, thread)
end

function init(args)
   sent = 0
end

local headers = {
   ["Authorization"] = "Token " .. token,
   ["Content-Type"] = "application/json",
}

function request()
   if phase == "health" then
      return wrk.format("GET", "/api/v1/health/")
   elseif phase == "read" then
      return wrk.format("GET", "/api/v1/dossiers/" .. dossier .. "/", headers)
   end
   sent = sent + 1
   local n = thread_number * 10000000 + sent
   local body = string.format(
      '{"procedure": "%s", "agency": "%s", "applicant_name": "Người nộp thử %d", '
         .. '"applicant_phone": "09%08d", "applicant_id_number": "%012d", "channel": "counter", '
         .. '"documents": [{"name": "Đơn đề nghị", "kind": "original", "count": 1}]}',
      procedure, agency, n, n % 100000000, n)
   return wrk.format("POST", "/api/v1/dossiers/", headers, body)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRK_RESULT {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
         .. '"p50_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
      summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
      latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
