using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Edge.Appliance.Store;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Console;

/// <summary>
/// A signed-in device: the timer's own, or a helper's paired by QR code. <c>Id</c> is the session's public id (what
/// the console lists and revokes); the cookie carries a secret, never this.
/// </summary>
public sealed record ConsoleSession(string Id, string Role, string Label, long CreatedMs, long ExpiresMs, long? RevokedMs)
{
    public bool IsActive(long nowMs) => RevokedMs is null && nowMs < ExpiresMs;
}

/// <summary>A one-time QR code the timer showed, for a helper's phone to become a session of <see cref="Role"/>.</summary>
public sealed record Pairing(string Role, string Label, long ExpiresMs);

/// <summary>
/// Every console session, kept in the data folder so a restart keeps the timer signed in and a revoked phone
/// revoked. The cookie holds a random secret; the file holds only its SHA-256, so reading the file (or a backup)
/// does not let anyone in.
/// </summary>
public sealed partial class ConsoleSessions
{
    /// <summary>Most sessions kept; the oldest inactive go first.</summary>
    private const int MaxSessions = 200;

    private readonly string _file;
    private readonly ConsoleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ConsoleSessions> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Pairing> _pairings = new(StringComparer.Ordinal);
    private Dictionary<string, Stored> _byHash;

    public ConsoleSessions(IOptions<ConsoleOptions> options, IOptions<StoreOptions> store, TimeProvider time, ILogger<ConsoleSessions> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _file = Path.Combine(Path.GetFullPath(store.Value.DataDir), "console", "sessions.json");
        _byHash = Load();
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Starts a session; returns it and the secret its cookie carries.</summary>
    public (ConsoleSession Session, string Secret) Create(string role, string label)
    {
        if (!ConsoleRoles.All.Contains(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "not a console role");
        }

        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var now = Now;
        var session = new ConsoleSession(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), role, Trim(label), now,
            now + (long)_options.SessionLifetime.TotalMilliseconds, null);
        lock (_lock)
        {
            _byHash[HashOf(secret)] = new Stored(session);
            Prune(now);
            Save();
        }

        LogCreated(session.Id, session.Role, session.Label);
        return (session, secret);
    }

    /// <summary>The active session a cookie's secret belongs to, or null (unknown, revoked or expired).</summary>
    public ConsoleSession? Find(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 100)
        {
            return null;
        }

        lock (_lock)
        {
            return _byHash.TryGetValue(HashOf(secret), out var stored) && stored.Session.IsActive(Now) ? stored.Session : null;
        }
    }

    /// <summary>Every session, newest first.</summary>
    public IReadOnlyList<ConsoleSession> List()
    {
        lock (_lock)
        {
            return [.. _byHash.Values.Select(s => s.Session).OrderByDescending(s => s.CreatedMs)];
        }
    }

    /// <summary>Ends a session at once: its next request is anonymous. False when no such session is active.</summary>
    public bool Revoke(string id)
    {
        lock (_lock)
        {
            foreach (var (hash, stored) in _byHash)
            {
                if (stored.Session.Id == id && stored.Session.RevokedMs is null)
                {
                    _byHash[hash] = new Stored(stored.Session with { RevokedMs = Now });
                    Save();
                    LogRevoked(id, stored.Session.Label);
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Makes a one-time pairing token for a helper's device.</summary>
    public string CreatePairing(string role, string label)
    {
        if (!ConsoleRoles.All.Contains(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "not a console role");
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_lock)
        {
            var now = Now;
            foreach (var old in _pairings.Where(p => p.Value.ExpiresMs <= now).Select(p => p.Key).ToList())
            {
                _pairings.Remove(old);
            }

            _pairings[token] = new Pairing(role, Trim(label), now + (long)_options.PairingLifetime.TotalMilliseconds);
        }

        return token;
    }

    /// <summary>The pairing a token names while it is unused and unexpired.</summary>
    public Pairing? FindPairing(string token)
    {
        lock (_lock)
        {
            return _pairings.TryGetValue(token, out var p) && p.ExpiresMs > Now ? p : null;
        }
    }

    /// <summary>Uses a pairing token up: the device becomes a session of its role. Null when the token is unknown, used or expired.</summary>
    public (ConsoleSession Session, string Secret)? Redeem(string token)
    {
        Pairing? pairing;
        lock (_lock)
        {
            if (!_pairings.Remove(token, out pairing) || pairing.ExpiresMs <= Now)
            {
                return null;
            }
        }

        return Create(pairing.Role, pairing.Label);
    }

    private static string Trim(string label)
    {
        var clean = new string([.. label.Where(c => !char.IsControl(c))]).Trim();
        return clean.Length > 40 ? clean[..40] : clean;
    }

    private static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private void Prune(long now)
    {
        if (_byHash.Count <= MaxSessions)
        {
            return;
        }

        foreach (var (hash, _) in _byHash.OrderBy(kv => kv.Value.Session.IsActive(now)).ThenBy(kv => kv.Value.Session.CreatedMs).Take(_byHash.Count - MaxSessions).ToList())
        {
            _byHash.Remove(hash);
        }
    }

    private Dictionary<string, Stored> Load()
    {
        try
        {
            if (File.Exists(_file))
            {
                var list = JsonSerializer.Deserialize(File.ReadAllBytes(_file), ConsoleJson.Default.ListStoredSession) ?? [];
                return list.Where(s => s.Hash.Length == 64 && ConsoleRoles.All.Contains(s.Role))
                    .ToDictionary(s => s.Hash, s => new Stored(new ConsoleSession(s.Id, s.Role, s.Label, s.CreatedMs, s.ExpiresMs, s.RevokedMs)), StringComparer.Ordinal);
            }
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // Unreadable: everyone signs in again (safe), the box keeps running.
            LogUnreadable(e, _file);
        }

        return new Dictionary<string, Stored>(StringComparer.Ordinal);
    }

    private void Save()
    {
        var list = _byHash.Select(kv => new StoredSession(kv.Key, kv.Value.Session.Id, kv.Value.Session.Role, kv.Value.Session.Label,
            kv.Value.Session.CreatedMs, kv.Value.Session.ExpiresMs, kv.Value.Session.RevokedMs)).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        var temp = _file + ".new";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(list, ConsoleJson.Default.ListStoredSession));
        File.Move(temp, _file, overwrite: true);
    }

    private sealed record Stored(ConsoleSession Session);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console session {Id} ({Role}, '{Label}') signed in")]
    private partial void LogCreated(string id, string role, string label);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console session {Id} ('{Label}') revoked")]
    private partial void LogRevoked(string id, string label);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sessions file {File} is unreadable; every device signs in again")]
    private partial void LogUnreadable(Exception exception, string file);
}

/// <summary>A session as the sessions file keeps it (the secret's hash, never the secret).</summary>
public sealed record StoredSession(string Hash, string Id, string Role, string Label, long CreatedMs, long ExpiresMs, long? RevokedMs);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<StoredSession>))]
internal sealed partial class ConsoleJson : System.Text.Json.Serialization.JsonSerializerContext;
