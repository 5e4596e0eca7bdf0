using System.Collections.Concurrent;
using System.Security.Cryptography;
using Edge.Appliance.Meet;

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Console;

/// <summary>The outcome of a sign-in attempt.</summary>
public enum SignInOutcome
{
    /// <summary>The password (or the setup code) was right.</summary>
    Accepted,
    /// <summary>Wrong password or code.</summary>
    Refused,
    /// <summary>Too many wrong attempts from this address in the last minute: not even checked.</summary>
    Throttled,
}

/// <summary>
/// The timer's password: the meet folder's hash (written by the provisioning CLI) wins, else one set from the
/// console (kept in the data folder), else a one-time setup code printed in the log. There is never a default
/// password. Wrong attempts are counted per address over a sliding minute.
/// </summary>
public sealed partial class ConsoleAccess
{
    /// <summary>Setup code letters: no 0/O, 1/I/L, so it reads right off a screen in sunlight.</summary>
    private const string CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    private static readonly PasswordHasher<string> Hasher = new();
    private readonly MeetHost _meetHost;
    private readonly ConsoleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ConsoleAccess> _logger;
    private readonly string _passwordFile;
    private readonly ConcurrentDictionary<string, Queue<long>> _failures = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private string? _setupCode;

    public ConsoleAccess(MeetHost meetHost, IOptions<ConsoleOptions> options, IOptions<Edge.Appliance.Store.StoreOptions> store, TimeProvider time, ILogger<ConsoleAccess> logger)
    {
        _meetHost = meetHost;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _passwordFile = Path.Combine(Path.GetFullPath(store.Value.DataDir), "console", "password.hash");
    }

    /// <summary>Where the timer's password comes from now: <c>meet folder</c>, <c>console</c> or <c>setup code</c>.</summary>
    public string PasswordSource => MeetHash is not null ? "meet folder" : StoredHash() is not null ? "console" : "setup code";

    /// <summary>True when the meet folder names the password (the console then cannot change it).</summary>
    public bool PasswordFromMeetFolder => MeetHash is not null;

    private string? MeetHash => _meetHost.Current.Console.PasswordHash;

    /// <summary>Prints a setup code when no password is set, so a fresh box can be signed into from its log.</summary>
    public void AnnounceSetupCode()
    {
        if (CurrentHash() is null)
        {
            LogSetupCode(SetupCode() ?? "");
        }
    }

    /// <summary>The current setup code (one is made on first use); null once a password is set.</summary>
    public string? SetupCode()
    {
        if (CurrentHash() is not null)
        {
            return null;
        }

        lock (_lock)
        {
            return _setupCode ??= NewCode();
        }
    }

    /// <summary>Checks a password (or, with none set, the setup code, which then is used up) from <paramref name="address"/>.</summary>
    public SignInOutcome SignIn(string password, string address)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var failures = _failures.GetOrAdd(address, _ => new Queue<long>());
        lock (failures)
        {
            while (failures.Count > 0 && failures.Peek() <= now - 60_000)
            {
                failures.Dequeue();
            }

            if (failures.Count >= _options.SignInFailuresPerMinute)
            {
                LogThrottled(address);
                return SignInOutcome.Throttled;
            }

            if (Check(password))
            {
                return SignInOutcome.Accepted;
            }

            failures.Enqueue(now);
            LogRefused(address, failures.Count);
            return SignInOutcome.Refused;
        }
    }

    /// <summary>Seconds until the oldest counted failure of <paramref name="address"/> leaves the window.</summary>
    public int RetryAfterSeconds(string address)
    {
        if (!_failures.TryGetValue(address, out var failures))
        {
            return 0;
        }

        lock (failures)
        {
            return failures.Count == 0 ? 0 : (int)Math.Max(1, (failures.Peek() + 60_000 - _time.GetUtcNow().ToUnixTimeMilliseconds() + 999) / 1000);
        }
    }

    /// <summary>Sets the timer's password from the console (kept hashed in the data folder); refused while the meet folder sets one.</summary>
    public void SetPassword(string password)
    {
        if (PasswordFromMeetFolder)
        {
            throw new InvalidOperationException("The meet folder sets the console password (console.passwordHash): change it there.");
        }

        var hash = Hash(password);
        Directory.CreateDirectory(Path.GetDirectoryName(_passwordFile)!);
        var temp = _passwordFile + ".new";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(hash);
        }

        File.Move(temp, _passwordFile, overwrite: true);
        lock (_lock)
        {
            _setupCode = null;
        }

        LogPasswordSet();
    }

    /// <summary>The hash the meet folder's <c>console.passwordHash</c> (or the provisioning CLI) takes.</summary>
    public static string Hash(string password) => Hasher.HashPassword("timer", password);

    /// <summary>A password the console accepts: long enough to survive guessing on an open hotspot.</summary>
    public static string? PasswordProblem(string password) =>
        password.Length < 10 ? "A console password has at least 10 characters." :
        password.Length > 200 ? "A console password has at most 200 characters." : null;

    private string? CurrentHash() => MeetHash ?? StoredHash();

    private string? StoredHash()
    {
        try
        {
            var text = File.Exists(_passwordFile) ? File.ReadAllText(_passwordFile).Trim() : null;
            return text is not null && ConsoleSettings.IsPasswordHash(text) ? text : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private bool Check(string password)
    {
        if (password.Length is 0 or > 200)
        {
            return false;
        }

        if (CurrentHash() is { } hash)
        {
            return Hasher.VerifyHashedPassword("timer", hash, password) != PasswordVerificationResult.Failed;
        }

        lock (_lock)
        {
            var code = _setupCode;
            var typed = password.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
            if (code is null || !CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.ASCII.GetBytes(code.Replace("-", "", StringComparison.Ordinal)), System.Text.Encoding.ASCII.GetBytes(typed)))
            {
                return false;
            }

            // One use: the next sign-in needs a password, or the next code (printed now).
            _setupCode = NewCode();
            LogSetupCodeUsed(_setupCode);
            return true;
        }
    }

    private static string NewCode()
    {
        Span<char> code = stackalloc char[9];
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = i == 4 ? '-' : CodeAlphabet[RandomNumberGenerator.GetInt32(CodeAlphabet.Length)];
        }

        return new string(code);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No console password is set. Console setup code: {Code} (sign in at /admin with it once, then set a password)")]
    private partial void LogSetupCode(string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The console setup code was used. Next setup code: {Code}")]
    private partial void LogSetupCodeUsed(string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in refused from {Address} ({Count} wrong in the last minute)")]
    private partial void LogRefused(string address, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in from {Address} throttled: too many wrong passwords in a minute")]
    private partial void LogThrottled(string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "The console password was set from the console")]
    private partial void LogPasswordSet();
}
