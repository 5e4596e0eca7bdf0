using System.Globalization;

namespace Edge.SyncAgent;

/// <summary>The agent's own settings (<c>Edge:*</c> and <c>Sync:*</c>); the broker comes from the meet folder's cloud section.</summary>
public sealed class AgentOptions
{
    /// <summary>Most log entries read from the outbox at once (a page is held in the agent's bounded heap).</summary>
    public const int MaxPageEntries = 2000;

    /// <summary>Upper bound of <see cref="MaxBatchItems"/>: a message's entries come from one page.</summary>
    public const int MaxItemsPerMessage = MaxPageEntries;

    /// <summary>Upper bound of <see cref="MaxBatchBytes"/>: a message is built in the agent's bounded heap.</summary>
    public const int MaxBytesPerMessage = 1024 * 1024;

    /// <summary>Folder of <c>edge.db</c>; the agent's <c>sync-state.json</c> and <c>sync-status.json</c> go beside it.</summary>
    public string DataDir { get; init; } = "./data";

    /// <summary>The meet folder whose <c>meet.json</c> has the <c>cloud</c> section; none: only <c>--Cloud:*</c> settings.</summary>
    public string? MeetDir { get; init; }

    /// <summary>The appliance's HTTP API, polled for participants and results snapshots.</summary>
    public Uri ApplianceUrl { get; init; } = new("http://127.0.0.1:8080");

    /// <summary>Most log entries in one message.</summary>
    public int MaxBatchItems { get; init; } = 500;

    /// <summary>Largest message payload in bytes (a single larger entry still goes, alone).</summary>
    public int MaxBatchBytes { get; init; } = 64 * 1024;

    /// <summary>Messages published and not yet acknowledged, at most; with <see cref="MaxBatchItems"/> this bounds repeats after any interruption.</summary>
    public int InflightMessages { get; init; } = 16;

    public int KeepAliveSeconds { get; init; } = 30;

    /// <summary>MQTT 5 session expiry: how long the broker keeps the agent's session after a disconnect.</summary>
    public uint SessionExpirySeconds { get; init; } = 7 * 24 * 3600;

    public TimeSpan SnapshotInterval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan BackoffMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A connection whose CONNACK has not come by then is given up.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Least time between two status file writes while busy.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>MQTT client id; default <c>edge-sync-{deviceId}</c>.</summary>
    public string? ClientId { get; init; }

    /// <summary>Nice value of the agent's working threads (0-19): ingest on the same CPU comes first.</summary>
    public int Nice { get; init; } = 10;

    /// <summary>While the log grows faster than this (rows a second), the agent steps aside for ingest; 0: never.</summary>
    public int YieldAbovePerSecond { get; init; } = 5_000;

    /// <summary>While stepping aside, the least time between two messages.</summary>
    public TimeSpan YieldPause { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Text of one page read from the outbox, at most (a page ends after the entry that passes it).</summary>
    public int PageTextBytes => Math.Max(2 * MaxBatchBytes, 256 * 1024);

    /// <summary>Rows in flight at most: the in-flight window.</summary>
    public long WindowRows => (long)InflightMessages * MaxBatchItems;

    public static AgentOptions From(AgentSettings configuration)
    {
        var sync = configuration.Section("Sync");
        var defaults = new AgentOptions();
        return new AgentOptions
        {
            DataDir = Text(configuration["Edge:DataDir"]) ?? defaults.DataDir,
            MeetDir = Text(configuration["Edge:MeetDir"]),
            ApplianceUrl = Text(sync["ApplianceUrl"]) is { } url ? new Uri(url) : defaults.ApplianceUrl,
            MaxBatchItems = Int(sync, "MaxBatchItems", defaults.MaxBatchItems, 1, MaxItemsPerMessage),
            MaxBatchBytes = Int(sync, "MaxBatchBytes", defaults.MaxBatchBytes, 4096, MaxBytesPerMessage),
            InflightMessages = Int(sync, "InflightMessages", defaults.InflightMessages, 1, 1000),
            KeepAliveSeconds = Int(sync, "KeepAliveSeconds", defaults.KeepAliveSeconds, 5, 3600),
            SessionExpirySeconds = (uint)Int(sync, "SessionExpirySeconds", (int)defaults.SessionExpirySeconds, 0, int.MaxValue),
            SnapshotInterval = Time(sync, "SnapshotInterval", defaults.SnapshotInterval),
            BackoffMin = Time(sync, "BackoffMin", defaults.BackoffMin),
            BackoffMax = Time(sync, "BackoffMax", defaults.BackoffMax),
            ConnectTimeout = Time(sync, "ConnectTimeout", defaults.ConnectTimeout),
            StatusInterval = Time(sync, "StatusInterval", defaults.StatusInterval),
            ClientId = Text(sync["ClientId"]),
            Nice = Int(sync, "Nice", defaults.Nice, 0, 19),
            YieldAbovePerSecond = Int(sync, "YieldAbovePerSecond", defaults.YieldAbovePerSecond, 0, int.MaxValue),
            YieldPause = Time(sync, "YieldPause", defaults.YieldPause),
        };
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static int Int(AgentSettings section, string key, int fallback, int min, int max)
    {
        var text = Text(section[key]);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"Sync:{key}: '{text}' must be a whole number from {min} to {max}");
    }

    private static TimeSpan Time(AgentSettings section, string key, TimeSpan fallback)
    {
        var text = Text(section[key]);
        if (text is null)
        {
            return fallback;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? value
            : throw new ArgumentException($"Sync:{key}: '{text}' must be a positive time like 00:00:05");
    }
}
