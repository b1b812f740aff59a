-- wrk script: each connection thread cycles through the URL paths in the file given after "--",
-- starting at its own offset, so the threads do not ask for the same query at the same moment.
-- Usage: wrk -t2 -c8 -d10s -s tools/wrk_mix.lua http://127.0.0.1:8000 -- urls.txt
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  urls = {}
  for line in io.lines(args[1]) do
    if #line > 0 then urls[#urls + 1] = line end
  end
  i = math.floor(#urls / 2) * ((tid or 1) - 1)
end

function request()
  i = (i % #urls) + 1
  return wrk.format("GET", urls[i])
end
