-- wrk script: every request posts one new paper (a unique arXiv id per request and thread).
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  thread_id = tonumber(tid) or 0
end

request = function()
  counter = counter + 1
  local n = thread_id * 1000000 + counter
  -- A valid new-style id: five digits after the dot exist from 1501 on (YYMM 1501..2412 here, unique per n).
  local k = math.floor(n / 100000)
  local id = string.format("%02d%02d.%05d", 15 + k % 10, 1 + math.floor(k / 10) % 12, n % 100000)
  local body = string.format('{"papers": [{"arxiv_id": "%s", "title": "Benchmark paper %d", "source_url": "https://huggingface.co/papers"}]}', id, n)
  return wrk.format("POST", "/api/v1/clips", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Host"] = "127.0.0.1",
  }, body)
end

response = function(status, headers, body)
  if status ~= 202 then
    print("unexpected status " .. status .. ": " .. body)
  end
end
