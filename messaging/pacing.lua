-- A token bucket shared by every worker: KEYS[1] the bucket; ARGV rate (tokens/s), burst, max_wait (s).
-- Time comes from the Redis server so workers on machines with drifting clocks agree.
-- A worker takes a token even when the bucket is short, as long as its turn comes within
-- max_wait: it is told how long to sleep, so waiting workers are served in order without polling.
-- Returns {granted (1/0), seconds to wait (string)}.
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local after = tokens - 1
local wait = 0
if after < 0 then wait = -after / rate end
if wait > max_wait then
  return {0, tostring((wait - max_wait))}
end
redis.call('HSET', KEYS[1], 'tokens', tostring(after), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil((burst - after) / rate) + 60)
return {1, tostring(wait)}
