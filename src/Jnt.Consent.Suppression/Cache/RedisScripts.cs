namespace Jnt.Consent.Suppression.Cache;

/// <summary>
/// The Lua scripts of <see cref="RedisSuppressionCache"/>. StackExchange.Redis loads each once per
/// server and sends EVALSHA; after a restart or SCRIPT FLUSH it meets NOSCRIPT and re-sends the script.
/// Versions are decoded from bytes with arithmetic (string comparison would depend on byte order
/// rules); Lua numbers are doubles, exact for every uint32 and for list versions up to 2^53.
/// The read script computes bucket keys itself, so these scripts suit a single Redis (with replicas
/// or Sentinel), not Redis Cluster.
/// </summary>
internal static class RedisScripts
{
    /// <summary>The key layout the scripts and <see cref="RedisSuppressionCache"/> share, stored in
    /// the meta hash when the cache is marked ready. A cache built under another layout reads as not
    /// ready, so the server rebuilds it instead of reading keys it no longer writes.</summary>
    public const string Layout = "2";

    /// <summary>Versioned puts. KEYS[i] a bucket hash; ARGV[2i-1] the 12-byte field, ARGV[2i] the
    /// entry. Each is stored only if its version is greater than the stored one. Returns how many were.</summary>
    public const string PutVersioned = """
        local function version(s)
          local a, b, c, d = string.byte(s, 1, 4)
          return ((a * 256 + b) * 256 + c) * 256 + d
        end
        local stored = 0
        for i = 1, #KEYS do
          local field, entry = ARGV[2 * i - 1], ARGV[2 * i]
          local old = redis.call('HGET', KEYS[i], field)
          if (not old) or version(entry) > version(old) then
            redis.call('HSET', KEYS[i], field, entry)
            stored = stored + 1
          end
        end
        return stored
        """;

    /// <summary>KEYS[1] a bucket hash; ARGV[1] the field; ARGV[2] a version in decimal. Deletes the
    /// field if its stored version is not newer. Returns 1 if deleted.</summary>
    public const string RemoveVersioned = """
        local old = redis.call('HGET', KEYS[1], ARGV[1])
        if not old then return 0 end
        local a, b, c, d = string.byte(old, 1, 4)
        if ((a * 256 + b) * 256 + c) * 256 + d > tonumber(ARGV[2]) then return 0 end
        return redis.call('HDEL', KEYS[1], ARGV[1])
        """;

    /// <summary>KEYS[1] the lists hash; KEYS[2] the set of the version being loaded; ARGV[1] the list
    /// name; ARGV[2] its version; ARGV[3..] members. Refuses a version that is current or older:
    /// adding to a live list would let a check see it half loaded.</summary>
    public const string LoadListMembers = """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if current then
          local version = tonumber(string.match(current, '^(%d+):'))
          if version >= tonumber(ARGV[2]) then
            return redis.error_reply('list ' .. ARGV[1] .. ' version ' .. ARGV[2] .. ' is not newer than the current version ' .. version)
          end
        end
        if #ARGV < 3 then return 0 end
        return redis.call('SADD', KEYS[2], unpack(ARGV, 3))
        """;

    /// <summary>KEYS[1] the lists hash; KEYS[2] the version's set; ARGV[1] the list name; ARGV[2] its
    /// version; ARGV[3] the number of members to add; then the members to add, then those to remove.
    /// Changes nothing unless that version is current. Returns 1 if applied.</summary>
    public const string ChangeCurrentListMembers = """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if not current or tonumber(string.match(current, '^(%d+):')) ~= tonumber(ARGV[2]) then return 0 end
        local adds = tonumber(ARGV[3])
        for i = 4, 3 + adds do redis.call('SADD', KEYS[2], ARGV[i]) end
        for i = 4 + adds, #ARGV do redis.call('SREM', KEYS[2], ARGV[i]) end
        return 1
        """;

    /// <summary>KEYS[1] the lists hash; ARGV[1] name, ARGV[2] version, ARGV[3] kind, ARGV[4] mask,
    /// ARGV[5] the prefix of the list's member sets (prefix .. 'l:' .. name .. ':'). Makes the version
    /// current and unlinks the previous version's set in one step; a current or older version changes
    /// nothing (an older one's staged set is dropped). Returns 1 if activated.</summary>
    public const string ActivateList = """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        local previous = nil
        if current then
          previous = string.match(current, '^(%d+):')
          local old, new = tonumber(previous), tonumber(ARGV[2])
          if old >= new then
            if old > new then redis.call('UNLINK', ARGV[5] .. ARGV[2]) end
            return 0
          end
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3] .. ':' .. ARGV[4])
        if previous then redis.call('UNLINK', ARGV[5] .. previous) end
        return 1
        """;

    /// <summary>
    /// The whole check path in one atomic step, list masks of linked customers included, so a check
    /// needs one round trip. ARGV[1] the key prefix; ARGV[2], ARGV[3] the masks of a customer
    /// bucket's two bytes; ARGV[4], ARGV[5] those of a contact bucket; ARGV[6..] queries of 13 bytes:
    /// a byte (0 = customer, else the contact kind of a contact query) and the 12-byte hash.
    /// <para>Returns { ready (1/0), epoch, body }. The body is one binary string, so that neither
    /// Redis nor the reader handles an element per entry. Per record: the list mask (one byte), the
    /// entry's length (three bytes, big-endian; 0 when there is no entry), the entry. A customer
    /// query has one record; a contact query has the contact's record, then one per customer its
    /// entry links (the reader knows how many from the entry's length). A customer's list mask is
    /// the OR of the masks of the current lists holding any of the contact points its entry names;
    /// a contact's, of those holding the contact point itself.</para>
    /// <para>Cost, which decides the scrub's speed: Redis 7's Lua reaches globals through a guard,
    /// so every library function is a local; bucket keys end in raw bytes, not decimal (turning a
    /// number into a string costs more than the HGET); list membership is one SMISMEMBER per list
    /// for the whole call, not a SISMEMBER per contact point and list.</para>
    /// </summary>
    public const string Read = $$"""
        local call, sbyte, ssub, schar, band, bor, rshift, concat, unpack, match, mmin =
          redis.call, string.byte, string.sub, string.char, bit.band, bit.bor, bit.rshift, table.concat, unpack, string.match, math.min
        local prefix = ARGV[1]
        local customerHigh, customerLow = tonumber(ARGV[2]), tonumber(ARGV[3])
        local contactHigh, contactLow = tonumber(ARGV[4]), tonumber(ARGV[5])
        local meta = call('HMGET', prefix .. 'meta', 'state', 'epoch', 'layout')
        local ready = (meta[1] == 'ready' and meta[3] == '{{Layout}}') and 1 or 0

        local listsByKind = nil
        local raw = call('HGETALL', prefix .. 'lists')
        for i = 1, #raw, 2 do
          local version, kind, mask = match(raw[i + 1], '^(%d+):(%d+):(%d+)$')
          if not version then
            return redis.error_reply('malformed entry for list ' .. raw[i])
          end
          kind = tonumber(kind)
          listsByKind = listsByKind or {}
          local lists = listsByKind[kind]
          if not lists then
            lists = {}
            listsByKind[kind] = lists
          end
          lists[#lists + 1] = { prefix .. 'l:' .. raw[i] .. ':' .. version, tonumber(mask) }
        end

        -- The body's pieces. A mask is first written as a zero byte. With lists, each contact point
        -- whose lists a record's mask collects (a probe) is noted under its kind with the record's
        -- place in the body; one SMISMEMBER per list then tests all of that kind at once, and only
        -- the places of hits are rewritten.
        local parts, n = {}, 0
        local kindHashes, kindPlaces, kindCounts = {}, {}, {}
        if listsByKind then
          for kind in pairs(listsByKind) do
            kindHashes[kind], kindPlaces[kind], kindCounts[kind] = {}, {}, 0
          end
        end

        local function record(entry, kind, hash)
          n = n + 1
          parts[n] = '\0'
          if listsByKind then
            if kind then
              local hashes = kindHashes[kind]
              if hashes then
                local m = kindCounts[kind] + 1
                kindCounts[kind], hashes[m], kindPlaces[kind][m] = m, hash, n
              end
            elseif entry then
              for c = 0, sbyte(entry, 5) - 1 do
                local at = 6 + 13 * c
                local pointKind = sbyte(entry, at)
                local hashes = kindHashes[pointKind]
                if hashes then
                  local m = kindCounts[pointKind] + 1
                  kindCounts[pointKind], hashes[m], kindPlaces[pointKind][m] = m, ssub(entry, at + 1, at + 12), n
                end
              end
            end
          end
          if entry then
            local length = #entry
            parts[n + 1] = schar(band(rshift(length, 16), 255), band(rshift(length, 8), 255), band(length, 255))
            parts[n + 2] = entry
            n = n + 2
          else
            parts[n + 1] = '\0\0\0'
            n = n + 1
          end
        end

        local customerPrefix, contactPrefix = prefix .. 'c:', prefix .. 'k:'
        local function customerEntry(hash)
          local b1, b2 = sbyte(hash, 1, 2)
          return call('HGET', customerPrefix .. schar(band(b1, customerHigh), band(b2, customerLow)), hash)
        end

        for i = 6, #ARGV do
          local query = ARGV[i]
          local kind = sbyte(query, 1)
          local hash = ssub(query, 2, 13)
          if kind == 0 then
            record(customerEntry(hash), nil, nil)
          else
            local b1, b2 = sbyte(hash, 1, 2)
            local entry = call('HGET', contactPrefix .. schar(band(b1, contactHigh), band(b2, contactLow)), hash)
            record(entry, kind, hash)
            if entry then
              for c = 0, (#entry - 4) / 12 - 1 do
                record(customerEntry(ssub(entry, 5 + 12 * c, 16 + 12 * c)), nil, nil)
              end
            end
          end
        end

        if listsByKind then
          local masks = {}
          for kind, lists in pairs(listsByKind) do
            local m, hashes, places = kindCounts[kind], kindHashes[kind], kindPlaces[kind]
            for j = 1, #lists do
              local set, bits = lists[j][1], lists[j][2]
              -- unpack is bounded by Lua's C stack (8,000 values).
              for from = 1, m, 4000 do
                local found = call('SMISMEMBER', set, unpack(hashes, from, mmin(from + 3999, m)))
                for x = 1, #found do
                  if found[x] == 1 then
                    local place = places[from + x - 1]
                    masks[place] = bor(masks[place] or 0, bits)
                  end
                end
              end
            end
          end
          for place, mask in pairs(masks) do
            parts[place] = schar(mask)
          end
        end
        return { ready, meta[2] or '0', concat(parts, '', 1, n) }
        """;
}
