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
    /// needs one round trip. ARGV[1] the key prefix; ARGV[2] customer buckets; ARGV[3] contact
    /// buckets; ARGV[4..] queries of 13 bytes: a byte (0 = customer, else the contact kind of a
    /// contact query) and the 12-byte hash.
    /// <para>Returns one flat array (cheaper for Redis to build and send than nested ones):
    /// ready (1/0), epoch (string), then per query: customer query: mask, entry; contact query:
    /// mask, contact entry, then per customer the contact entry links (the reader knows how many
    /// from the entry): that customer's entry, its list mask. A missing entry is the empty string
    /// (entries are never empty): Lua false would become nil in RESP2 but a boolean in RESP3. A
    /// customer's list mask is the OR of the masks of the current lists holding any of the contact
    /// points its entry names.</para>
    /// </summary>
    public const string Read = """
        local prefix = ARGV[1]
        local customerBuckets, contactBuckets = tonumber(ARGV[2]), tonumber(ARGV[3])
        local meta = redis.call('HMGET', prefix .. 'meta', 'state', 'epoch')
        local out = { meta[1] == 'ready' and 1 or 0, meta[2] or '0' }
        local n = 2

        local listsByKind = nil
        local raw = redis.call('HGETALL', prefix .. 'lists')
        for i = 1, #raw, 2 do
          local version, kind, mask = string.match(raw[i + 1], '^(%d+):(%d+):(%d+)$')
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

        local function listMask(kind, hash, mask)
          local lists = listsByKind[kind]
          if lists then
            for j = 1, #lists do
              local set, bits = lists[j][1], lists[j][2]
              if bit.band(mask, bits) ~= bits and redis.call('SISMEMBER', set, hash) == 1 then
                mask = bit.bor(mask, bits)
              end
            end
          end
          return mask
        end

        local function customerMask(entry)
          local mask = 0
          if entry and listsByKind then
            for c = 0, string.byte(entry, 5) - 1 do
              local at = 6 + 13 * c
              mask = listMask(string.byte(entry, at), string.sub(entry, at + 1, at + 12), mask)
            end
          end
          return mask
        end

        local customerPrefix, contactPrefix = prefix .. 'c:', prefix .. 'k:'
        local function customerEntry(hash)
          local b1, b2 = string.byte(hash, 1, 2)
          return redis.call('HGET', customerPrefix .. ((b1 * 256 + b2) % customerBuckets), hash)
        end

        for i = 4, #ARGV do
          local query = ARGV[i]
          local kind = string.byte(query, 1)
          local hash = string.sub(query, 2, 13)
          if kind == 0 then
            local entry = customerEntry(hash)
            out[n + 1] = customerMask(entry)
            out[n + 2] = entry or ''
            n = n + 2
          else
            local b1, b2 = string.byte(hash, 1, 2)
            local entry = redis.call('HGET', contactPrefix .. ((b1 * 256 + b2) % contactBuckets), hash)
            out[n + 1] = listsByKind and listMask(kind, hash, 0) or 0
            out[n + 2] = entry or ''
            n = n + 2
            if entry then
              for c = 0, (string.len(entry) - 4) / 12 - 1 do
                local linked = customerEntry(string.sub(entry, 5 + 12 * c, 16 + 12 * c))
                out[n + 1] = linked or ''
                out[n + 2] = customerMask(linked)
                n = n + 2
              end
            end
          end
        end
        return out
        """;
}
