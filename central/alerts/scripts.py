"""The Lua scripts behind `central.alerts.store`: each change to an alert is one of them.

Keys: KEYS[1] the event stream, KEYS[2] the pending-escalation set, KEYS[3] the recent
index; per-alert keys are built from the prefix in ARGV[1]. All share the ``{cp}`` hash tag,
so the scripts stay valid on Redis Cluster.
"""

# Raise an alert, or count a sighting of the open one for the same subject.
# Returns {alert id, 'raised' | 'sighted' | 'replay'}.
RAISE = """
local prefix, now, window, retention = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local minid, passage, checkpoint, subject = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local lane, due, fields = ARGV[9], ARGV[10], ARGV[11]
if passage ~= '' then
  local seen = redis.call('GET', prefix .. 'passage:' .. passage)
  if seen then return {seen, 'replay'} end
end
local dedup = prefix .. 'dedup:' .. checkpoint .. ':' .. subject
local id = redis.call('GET', dedup)
local op = 'sighted'
if id and redis.call('EXISTS', prefix .. 'a:' .. id) == 1 then
  local hash = prefix .. 'a:' .. id
  redis.call('HINCRBY', hash, 'sightings', 1)
  redis.call('HSET', hash, 'last_seen', now, 'last_lane', lane)
  local decoded = cjson.decode(fields)
  if decoded['verdict'] == 'STOP' and redis.call('HGET', hash, 'verdict') == 'CHECK' then
    -- a look-alike CHECK confirmed by an exact read: the card must turn into a STOP
    for name, value in pairs(decoded) do
      if name ~= 'time' and name ~= 'lane' then redis.call('HSET', hash, name, value) end
    end
  end
  redis.call('EXPIRE', dedup, window)
  redis.call('XADD', KEYS[1], 'MINID', '~', minid, '*',
    'op', op, 'alert', id, 'checkpoint', checkpoint)
else
  op = 'raised'
  id = redis.call('XADD', KEYS[1], 'MINID', '~', minid, '*',
    'op', op, 'alert', '', 'checkpoint', checkpoint)
  local hash = prefix .. 'a:' .. id
  local flat = {'sightings', 1, 'last_seen', now, 'last_lane', lane}
  for name, value in pairs(cjson.decode(fields)) do
    flat[#flat + 1] = name
    flat[#flat + 1] = value
  end
  local pictures = {}
  for i = 12, #ARGV, 2 do
    redis.call('SET', prefix .. 'img:' .. id .. ':' .. ARGV[i], ARGV[i + 1], 'EX', retention)
    pictures[#pictures + 1] = ARGV[i]
  end
  flat[#flat + 1] = 'pictures'
  flat[#flat + 1] = table.concat(pictures, ',')
  redis.call('HSET', hash, unpack(flat))
  redis.call('EXPIRE', hash, retention)
  redis.call('SET', dedup, id, 'EX', window)
  local oldest = tonumber(now) - retention * 1000
  for _, index in ipairs({KEYS[3], KEYS[3] .. ':' .. checkpoint}) do
    redis.call('ZADD', index, now, id)
    redis.call('ZREMRANGEBYSCORE', index, '-inf', oldest)
  end
  if due ~= '' then redis.call('ZADD', KEYS[2], due, id) end
end
if passage ~= '' then
  redis.call('SET', prefix .. 'passage:' .. passage, id, 'EX', retention)
end
return {id, op}
"""

# Acknowledge once: returns ok, already or missing.
ACK = """
local prefix, id, officer, now, minid = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local hash = prefix .. 'a:' .. id
if redis.call('EXISTS', hash) == 0 then return 'missing' end
local by = redis.call('HGET', hash, 'acknowledged_by')
if by and by ~= '' then return 'already' end
redis.call('HSET', hash, 'acknowledged_by', officer, 'acknowledged_at', now)
redis.call('ZREM', KEYS[2], id)
redis.call('XADD', KEYS[1], 'MINID', '~', minid, '*', 'op', 'acknowledged', 'alert', id,
  'checkpoint', redis.call('HGET', hash, 'checkpoint'))
return 'ok'
"""

# Escalate every overdue, unacknowledged alert; returns their ids.
ESCALATE = """
local prefix, now, minid = ARGV[1], ARGV[2], ARGV[3]
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 500)) do
  redis.call('ZREM', KEYS[2], id)
  local hash = prefix .. 'a:' .. id
  local by = redis.call('HGET', hash, 'acknowledged_by')
  if redis.call('EXISTS', hash) == 1 and (not by or by == '') then
    redis.call('HSET', hash, 'escalated', '1', 'escalated_at', now)
    redis.call('XADD', KEYS[1], 'MINID', '~', minid, '*', 'op', 'escalated', 'alert', id,
      'checkpoint', redis.call('HGET', hash, 'checkpoint'))
    out[#out + 1] = id
  end
end
return out
"""
