-- Every change to agents' presence and the waiting line, as one atomic step per call.
-- ARGV[1] = operation, ARGV[2] = now (unix seconds, from hotline.clock), then the operation's own.
-- Scores arrive as strings: Lua would print numbers with 14 digits and lose the strategy key.
-- Keys are built here, so this needs a single Redis (not Redis Cluster), which is what we run.
local P = 'routing:'
local op = ARGV[1]
local now = tonumber(ARGV[2])

local function akey(id) return P .. 'agent:' .. id end
local function ckey(sid) return P .. 'call:' .. sid end
local function wkey(queue, lang, prio) return P .. 'wait:' .. queue .. ':' .. lang .. ':' .. prio end

local function each_pool(id, fn)
  local scores = redis.call('HGET', akey(id), 'scores')
  local langs = redis.call('HGET', akey(id), 'languages')
  if not scores or not langs then return end
  scores = cjson.decode(scores)
  langs = cjson.decode(langs)
  for skill, score in pairs(scores) do
    for _, lang in ipairs(langs) do fn(P .. 'pool:' .. skill .. ':' .. lang, score) end
  end
end

local function set_agent_status(id, status)
  local k = akey(id)
  if redis.call('HGET', k, 'status') ~= status then redis.call('HSET', k, 'status', status, 'since', now) end
  if status == 'available' then
    each_pool(id, function(pool, score) redis.call('ZADD', pool, score, id) end)
  else
    each_pool(id, function(pool) redis.call('ZREM', pool, id) end)
  end
  if status ~= 'reserved' then redis.call('ZREM', P .. 'expiry', id) end
  if status ~= 'wrap_up' then redis.call('ZREM', P .. 'wrapups', id) end
  if status ~= 'reserved' and status ~= 'on_call' then redis.call('HDEL', k, 'call') end
end

-- A wrap-up given its end (ARGV `free_at`) ends by itself at the first operation after that time:
-- the agent's next caller must not wait for a job on a worker that is busy, restarting or dead.
local function arm_wrap_up(id, free_at)
  if free_at and free_at ~= '' and redis.call('HGET', akey(id), 'status') == 'wrap_up' then
    redis.call('ZADD', P .. 'wrapups', free_at, id)
  end
end

local function end_wrap_ups()
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'wrapups', '-inf', now)) do
    if redis.call('HGET', akey(id), 'status') == 'wrap_up' then set_agent_status(id, 'available') end
    redis.call('ZREM', P .. 'wrapups', id)
  end
end

local function wait_call(sid)
  local c = redis.call('HMGET', ckey(sid), 'queue', 'language', 'priority', 'entered')
  local k = wkey(c[1], c[2], c[3])
  redis.call('ZADD', k, c[4], sid)
  redis.call('SADD', P .. 'waitkeys', k)
  redis.call('HSET', ckey(sid), 'state', 'waiting', 'agent', '', 'handover', '')
end

local function unwait_call(sid)
  local c = redis.call('HMGET', ckey(sid), 'queue', 'language', 'priority')
  if c[1] then
    local k = wkey(c[1], c[2], c[3])
    redis.call('ZREM', k, sid)
    if redis.call('ZCARD', k) == 0 then redis.call('SREM', P .. 'waitkeys', k) end
  end
end

local function reserve(id, sid, ttl)
  local seq = redis.call('INCR', P .. 'seq')
  set_agent_status(id, 'reserved')
  redis.call('HSET', akey(id), 'call', sid, 'rr', seq)
  redis.call('ZADD', P .. 'expiry', now + ttl, id)
  unwait_call(sid)
  redis.call('HSET', ckey(sid), 'state', 'reserved', 'agent', id, 'reserved_at', now, 'handover', '')
end

-- A colleague held for a call that stays with its agent (a consult): the caller's state is left alone.
local function reserve_colleague(id, sid, ttl)
  local seq = redis.call('INCR', P .. 'seq')
  set_agent_status(id, 'reserved')
  redis.call('HSET', akey(id), 'call', sid, 'rr', seq)
  redis.call('ZADD', P .. 'expiry', now + ttl, id)
end

-- The best available agent speaking `lang` in the first of the pools `reqs` names (JSON [[skill,
-- "(max score"], ...], in order of preference) that has one; nil if none.
local function best_free(lang, reqs)
  for _, req in ipairs(cjson.decode(reqs)) do
    local pool = P .. 'pool:' .. req[1] .. ':' .. lang
    for _ = 1, 100 do
      local hit = redis.call('ZRANGEBYSCORE', pool, '-inf', req[2], 'LIMIT', 0, 1)[1]
      if not hit then break end
      if redis.call('HGET', akey(hit), 'status') == 'available' then return hit end
      redis.call('ZREM', pool, hit)  -- a stale pool entry; never offer a busy agent
    end
  end
  return nil
end

-- A reservation whose offer never reported back frees its agent and puts the caller back in line.
local function sweep()
  end_wrap_ups()
  local out = {}
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'expiry', '-inf', now)) do
    local sid = redis.call('HGET', akey(id), 'call')
    if redis.call('HGET', akey(id), 'status') == 'reserved' then
      set_agent_status(id, 'available')
      table.insert(out, id)
      redis.call('RPUSH', P .. 'swept', id)  -- for the database's record, whichever call swept it
      if sid and redis.call('HGET', ckey(sid), 'state') == 'reserved'
          and redis.call('HGET', ckey(sid), 'agent') == id then
        wait_call(sid)
      end
    end
    redis.call('ZREM', P .. 'expiry', id)
  end
  return out
end

if op == 'sweep' then
  return sweep()

elseif op == 'put_agent' then
  -- id, status, skills, languages, scores, address, name
  local id, k = ARGV[3], akey(ARGV[3])
  each_pool(id, function(pool) redis.call('ZREM', pool, id) end)
  redis.call('HSET', k, 'skills', ARGV[5], 'languages', ARGV[6], 'scores', ARGV[7], 'address', ARGV[8], 'name', ARGV[9])
  redis.call('SADD', P .. 'agents', id)
  local current = redis.call('HGET', k, 'status')
  local status = ARGV[4]
  if current == 'reserved' or current == 'on_call' then status = current end
  set_agent_status(id, status)
  return status

elseif op == 'set_status' then
  -- id, new status, allowed previous statuses (",a,b," or "*"), scores ("" keeps them), the
  -- wrap-up's end ("" for none)
  local id, k = ARGV[3], akey(ARGV[3])
  local current = redis.call('HGET', k, 'status')
  if not current then return {0, ''} end
  if ARGV[5] ~= '*' and not string.find(ARGV[5], ',' .. current .. ',', 1, true) then return {0, current} end
  if ARGV[6] ~= '' then redis.call('HSET', k, 'scores', ARGV[6]) end
  set_agent_status(id, ARGV[4])
  arm_wrap_up(id, ARGV[7])
  return {1, current}

elseif op == 'end_wrap_up' then
  -- id, scores for now (used when the wrap-up had no end of its own): the wrap-up's job came round. It frees the agent only from a wrap-up that is due (or has no
  -- end of its own: one restored by a rebuild): a job late enough to find the agent in the wrap-up
  -- of a later call must not cut that one short.
  local id = ARGV[3]
  local current = redis.call('HGET', akey(id), 'status')
  if not current then return {0, ''} end
  if current ~= 'wrap_up' then return {0, current} end
  local due = redis.call('ZSCORE', P .. 'wrapups', id)
  if due and tonumber(due) > now then return {0, 'wrap_up'} end
  if not due and ARGV[4] ~= '' then redis.call('HSET', akey(id), 'scores', ARGV[4]) end
  set_agent_status(id, 'available')
  return {1, 'wrap_up'}

elseif op == 'enqueue' then
  -- sid, queue, language, priority, entered, callback
  local k = ckey(ARGV[3])
  local state = redis.call('HGET', k, 'state')
  if state and state ~= 'done' then return state end
  redis.call('DEL', k)
  redis.call('HSET', k, 'queue', ARGV[4], 'language', ARGV[5], 'priority', ARGV[6], 'entered', ARGV[7],
             'callback', ARGV[8])
  wait_call(ARGV[3])
  return 'waiting'

elseif op == 'reserve_for_call' then
  -- sid, ttl, [[skill, "(max score"], ...] in order of preference
  sweep()
  local sid, ttl = ARGV[3], tonumber(ARGV[4])
  if redis.call('HGET', ckey(sid), 'state') ~= 'waiting' then return false end
  local hit = best_free(redis.call('HGET', ckey(sid), 'language'), ARGV[5])
  if not hit then return false end
  reserve(hit, sid, ttl)
  return hit

elseif op == 'restore_reservation' then
  -- id, sid, ttl: a rebuild puts back an offer the database has ringing (the caller is in the Dial)
  local id, sid, ttl = ARGV[3], ARGV[4], tonumber(ARGV[5])
  if not redis.call('HGET', akey(id), 'status') or not redis.call('HGET', ckey(sid), 'queue') then return 0 end
  reserve(id, sid, ttl)
  redis.call('HSET', ckey(sid), 'handover', 'offered')
  return 1

elseif op == 'restore_conversation' then
  -- id, sid: the database has this agent talking to this caller, and the live state lost it (an
  -- answer recorded while Redis was down, whose reservation then expired; a restart from a stale
  -- file). Only an agent the live state has free, missed, or on a call with no call, is put back:
  -- one it has reserved for someone else keeps that reservation (its ring is missed, then restored).
  local id, sid = ARGV[3], ARGV[4]
  local k = akey(id)
  local status = redis.call('HGET', k, 'status')
  if not (status == 'available' or status == 'missed' or (status == 'on_call' and not redis.call('HGET', k, 'call'))) then
    return 0
  end
  if redis.call('HGET', ckey(sid), 'state') == 'done' then return 0 end  -- Redis saw the caller go
  set_agent_status(id, 'on_call')
  redis.call('HSET', k, 'call', sid)
  unwait_call(sid)
  redis.call('HSET', ckey(sid), 'state', 'connected', 'agent', id)
  redis.call('EXPIRE', ckey(sid), 86400)
  return 1

elseif op == 'reserve_for_agent' then
  -- id, ttl, {queue: "latest entered time this agent may take"}
  sweep()
  local id, ttl = ARGV[3], tonumber(ARGV[4])
  if redis.call('HGET', akey(id), 'status') ~= 'available' then return false end
  local speaks = {}
  for _, lang in ipairs(cjson.decode(redis.call('HGET', akey(id), 'languages'))) do speaks[lang] = true end
  local allowed = cjson.decode(ARGV[5])
  local best, best_prio, best_entered
  for _, k in ipairs(redis.call('SMEMBERS', P .. 'waitkeys')) do
    local queue, lang, prio = string.match(k, '^routing:wait:([^:]+):([^:]+):(-?%d+)$')
    if queue and allowed[queue] and speaks[lang] then
      local hit = redis.call('ZRANGEBYSCORE', k, '-inf', allowed[queue], 'LIMIT', 0, 1, 'WITHSCORES')
      if hit[1] then
        local p, e = tonumber(prio), tonumber(hit[2])
        if not best or p > best_prio or (p == best_prio and (e < best_entered or (e == best_entered and hit[1] < best))) then
          best, best_prio, best_entered = hit[1], p, e
        end
      end
    end
  end
  if best then
    reserve(id, best, ttl)
    return best
  end
  return false

elseif op == 'confirm_reservation' then
  -- sid: the caller's reservation, if their agent's live state still holds it; a caller reserved
  -- for an agent who has since moved on (a restart from a stale file kept one side of the pair)
  -- goes back in line. Returns the caller's state after.
  local k = ckey(ARGV[3])
  local state = redis.call('HGET', k, 'state')
  if state ~= 'reserved' then return state or false end
  local id = redis.call('HGET', k, 'agent')
  if id and id ~= '' and redis.call('HGET', akey(id), 'call') == ARGV[3]
      and redis.call('HGET', akey(id), 'status') == 'reserved' then
    return 'reserved'
  end
  wait_call(ARGV[3])
  return 'waiting'

elseif op == 'claim_handover' then
  -- sid, who ("leave" or "redirect"), ttl: the one path that brings the caller to their agent
  local k = ckey(ARGV[3])
  if redis.call('HGET', k, 'state') ~= 'reserved' then return false end
  local holder = redis.call('HGET', k, 'handover')
  if holder ~= '' and holder ~= ARGV[4] then return false end
  redis.call('HSET', k, 'handover', ARGV[4])
  local id = redis.call('HGET', k, 'agent')
  redis.call('ZADD', P .. 'expiry', now + tonumber(ARGV[5]), id)
  return id

elseif op == 'claim_ring' then
  -- sid, ttl: a conference call's agent is rung over REST while the caller waits in the queue;
  -- whichever path comes first (the offer, the waitUrl, the freed agent's job) rings them, once.
  local k = ckey(ARGV[3])
  if redis.call('HGET', k, 'state') ~= 'reserved' or redis.call('HGET', k, 'handover') ~= '' then return false end
  redis.call('HSET', k, 'handover', 'ring')
  local id = redis.call('HGET', k, 'agent')
  redis.call('ZADD', P .. 'expiry', now + tonumber(ARGV[4]), id)
  return id

elseif op == 'answer' then
  -- id, sid
  local id, sid = ARGV[3], ARGV[4]
  local k = akey(id)
  if redis.call('HGET', k, 'call') ~= sid then return 0 end
  local status = redis.call('HGET', k, 'status')
  if status == 'on_call' then return 1 end
  if status ~= 'reserved' then return 0 end
  set_agent_status(id, 'on_call')
  redis.call('HINCRBY', k, 'calls', 1)
  redis.call('HSET', ckey(sid), 'state', 'connected')
  return 2

elseif op == 'reclaim' then
  -- id, sid: the agent picked up an offer the database has ringing, and the live state has lost its
  -- reservation (a rebuild caught between its clear and its restore, a restart from a stale file).
  -- The agent is put on the call if the live state has them free and has not given the caller to
  -- anyone else; otherwise that other ring decides, and this agent is let go.
  local id, sid = ARGV[3], ARGV[4]
  local k = akey(id)
  if redis.call('HGET', k, 'status') ~= 'available' then return 0 end
  local state = redis.call('HGET', ckey(sid), 'state')
  if state == 'done' then return 0 end
  if (state == 'reserved' or state == 'connected') and redis.call('HGET', ckey(sid), 'agent') ~= id then return 0 end
  unwait_call(sid)
  set_agent_status(id, 'on_call')
  redis.call('HSET', k, 'call', sid)
  redis.call('HINCRBY', k, 'calls', 1)
  redis.call('HSET', ckey(sid), 'state', 'connected', 'agent', id)
  redis.call('EXPIRE', ckey(sid), 86400)
  return 2

elseif op == 'release' then
  -- id, sid, new status, "1" to put the caller back in line, fresh scores ("" keeps them), the
  -- wrap-up's end ("" for none)
  local id, sid = ARGV[3], ARGV[4]
  if redis.call('HGET', akey(id), 'call') ~= sid then
    -- The agent's live state has moved on (a restart from a stale file) while the caller's still
    -- names them: the caller goes back in line, not to the same agent again.
    if ARGV[6] == '1' and redis.call('HGET', ckey(sid), 'state') == 'reserved'
        and redis.call('HGET', ckey(sid), 'agent') == id then
      wait_call(sid)
    end
    return 0
  end
  if ARGV[7] ~= '' then redis.call('HSET', akey(id), 'scores', ARGV[7]) end
  set_agent_status(id, ARGV[5])
  arm_wrap_up(id, ARGV[8])
  local state = redis.call('HGET', ckey(sid), 'state')
  if ARGV[6] == '1' and state and state ~= 'done' then
    wait_call(sid)
  elseif ARGV[6] == '2' then
    -- one agent of several leaves (a transfer, a three-way call): the caller stays where they are
  elseif state then
    redis.call('HSET', ckey(sid), 'state', 'done')
    redis.call('EXPIRE', ckey(sid), 86400)
  end
  return 1

elseif op == 'reserve_agent' then
  -- id, sid, ttl: a transfer to a named agent; the caller (back in line) is reserved for that agent
  -- only, if they are free now
  sweep()
  local id, sid, ttl = ARGV[3], ARGV[4], tonumber(ARGV[5])
  if redis.call('HGET', ckey(sid), 'state') ~= 'waiting' then return 0 end
  if redis.call('HGET', akey(id), 'status') ~= 'available' then return 0 end
  reserve(id, sid, ttl)
  return 1

elseif op == 'reserve_colleague' then
  -- id, sid, ttl: a consult; the colleague is reserved for a call that stays with its agent, so the
  -- caller's own state is left alone (the reservation expires like any other if nobody answers)
  sweep()
  local id, sid, ttl = ARGV[3], ARGV[4], tonumber(ARGV[5])
  if redis.call('HGET', akey(id), 'status') ~= 'available' then return 0 end
  reserve_colleague(id, sid, ttl)
  return 1

elseif op == 'reserve_colleague_in_queue' then
  -- sid, ttl, language, [[skill, "(max score"], ...]: a consult with a queue's next free agent, picked
  -- as reserve_for_call picks for a waiting caller, reserved as reserve_colleague reserves
  sweep()
  local sid, ttl = ARGV[3], tonumber(ARGV[4])
  local hit = best_free(ARGV[5], ARGV[6])
  if not hit then return false end
  reserve_colleague(hit, sid, ttl)
  return hit

elseif op == 'finish_call' then
  -- sid: the caller is gone (hung up, or the call ended); frees a reserved agent
  local k = ckey(ARGV[3])
  local state = redis.call('HGET', k, 'state')
  if not state or state == 'done' then return state or false end
  unwait_call(ARGV[3])
  local id = redis.call('HGET', k, 'agent')
  if state == 'reserved' and id and id ~= '' and redis.call('HGET', akey(id), 'call') == ARGV[3]
      and redis.call('HGET', akey(id), 'status') == 'reserved' then
    set_agent_status(id, 'available')
  end
  redis.call('HSET', k, 'state', 'done')
  redis.call('EXPIRE', k, 86400)
  return state
end
return redis.error_reply('unknown routing operation ' .. tostring(op))
