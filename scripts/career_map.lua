-- wrk script: POST /v1/career-maps, rotating over occupation targets and entry points.
--
--   wrk -t2 -c16 -d20s -s scripts/career_map.lua http://127.0.0.1:8080/v1/career-maps -- socs.txt
--
-- socs.txt holds one SOC code per line (occupations of the imported dataset); without it the
-- script uses 100 occupations spread over the state-scale synthetic catalog (11-0000..11-0999).
-- Each connection starts at a different offset, so the threads do not move in lockstep.

local entries = { "secondary", "adult", "postsecondary" }
local bodies = {}
local counter = 0

function init(args)
  local socs = {}
  local path = args[1]
  if path then
    for line in io.lines(path) do
      if line:match("%S") then socs[#socs + 1] = line:match("^%s*(.-)%s*$") end
    end
  else
    for i = 0, 99 do socs[#socs + 1] = string.format("11-%04d", i * 10) end
  end
  for _, soc in ipairs(socs) do
    for _, entry in ipairs(entries) do
      bodies[#bodies + 1] = string.format(
        '{"target":{"occupation":"%s"},"entry":"%s","region":"US","k":3}', soc, entry)
    end
  end
  counter = math.random(#bodies)
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  counter = counter % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[counter])
end
