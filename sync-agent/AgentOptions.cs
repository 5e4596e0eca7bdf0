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

    /// <summary>How often participants and results are checked while connected.</summary>
    public TimeSpan SnapshotInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First reconnect wait; it doubles (with jitter) up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A connection whose CONNACK has not come by then is given up.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Least time between two status file writes while busy.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Least time between two retained <c>status</c> messages while caught up with live reads (connects and drained backlogs go at once).</summary>
    public TimeSpan StatusMessageInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The MQTT client library the agent publishes through.</summary>
    public MqttTransport Transport { get; init; } = MqttTransport.MqttNet;

    /// <summary>
    /// A message whose PUBACK has not come by then counts as a lost connection: the agent reconnects and resends from
    /// its watermark, whether or not the client library noticed the connection going (MQTTnet issue #2244).
    /// </summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(60);

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

    /// <summary>
    /// The settings, every one checked: a value that is malformed or out of its range, or a minimum above its maximum,
    /// is a <see cref="SettingsException"/> naming each bad setting and its value (the agent then exits with code 2)
    /// rather than a failure later, on a working thread.
    /// </summary>
    public static AgentOptions From(AgentSettings configuration)
    {
        var sync = configuration.Section("Sync");
        var defaults = new AgentOptions();
        var problems = new List<string>();
        var options = new AgentOptions
        {
            DataDir = Text(configuration["Edge:DataDir"]) ?? defaults.DataDir,
            MeetDir = Text(configuration["Edge:MeetDir"]),
            ApplianceUrl = Url(sync, "ApplianceUrl", defaults.ApplianceUrl, problems),
            MaxBatchItems = Int(sync, "MaxBatchItems", defaults.MaxBatchItems, 1, MaxItemsPerMessage, problems),
            MaxBatchBytes = Int(sync, "MaxBatchBytes", defaults.MaxBatchBytes, 4096, MaxBytesPerMessage, problems),
            InflightMessages = Int(sync, "InflightMessages", defaults.InflightMessages, 1, 1000, problems),
            KeepAliveSeconds = Int(sync, "KeepAliveSeconds", defaults.KeepAliveSeconds, 5, 3600, problems),
            SessionExpirySeconds = (uint)Int(sync, "SessionExpirySeconds", (int)defaults.SessionExpirySeconds, 0, int.MaxValue, problems),
            SnapshotInterval = Time(sync, "SnapshotInterval", defaults.SnapshotInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1), problems),
            BackoffMin = Time(sync, "BackoffMin", defaults.BackoffMin, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), problems),
            BackoffMax = Time(sync, "BackoffMax", defaults.BackoffMax, TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1), problems),
            ConnectTimeout = Time(sync, "ConnectTimeout", defaults.ConnectTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), problems),
            StatusInterval = Time(sync, "StatusInterval", defaults.StatusInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1), problems),
            StatusMessageInterval = Time(sync, "StatusMessageInterval", defaults.StatusMessageInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), problems),
            Transport = TransportName(sync, defaults.Transport, problems),
            PublishTimeout = Time(sync, "PublishTimeout", defaults.PublishTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), problems),
            ClientId = ClientIdText(sync, problems),
            Nice = Int(sync, "Nice", defaults.Nice, 0, 19, problems),
            YieldAbovePerSecond = Int(sync, "YieldAbovePerSecond", defaults.YieldAbovePerSecond, 0, int.MaxValue, problems),
            YieldPause = Time(sync, "YieldPause", defaults.YieldPause, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1), problems),
        };

        if (options.BackoffMin > options.BackoffMax)
        {
            // Named by the one that was set (BackoffMin when both were).
            var min = Show(sync, "BackoffMin", options.BackoffMin);
            var max = Show(sync, "BackoffMax", options.BackoffMax);
            problems.Add((Text(sync["BackoffMin"]) is not null ? $"Sync:BackoffMin: {min} is above Sync:BackoffMax {max}" : $"Sync:BackoffMax: {max} is below Sync:BackoffMin {min}") +
                ": the reconnect wait starts at BackoffMin and doubles up to BackoffMax");
        }

        var level = configuration["Logging:LogLevel:Default"];
        if (!LogLevels.TryParse(level, out _))
        {
            problems.Add($"Logging:LogLevel:Default: '{level!.Trim()}' is not a log level (Trace, Debug, Information, Warning, Error, Critical, None)");
        }

        return problems.Count == 0 ? options : throw new SettingsException(string.Join('\n', problems));
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>A setting's text as given (quoted), or the value in effect with "(the default)".</summary>
    private static string Show(AgentSettings section, string key, TimeSpan value) => Text(section[key]) is { } text ? $"'{text}'" : $"{Format(value)} (the default)";

    private static int Int(AgentSettings section, string key, int fallback, int min, int max, List<string> problems)
    {
        var text = Text(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add($"Sync:{key}: '{text}' must be a whole number from {min} to {max}");
        return fallback;
    }

    private static TimeSpan Time(AgentSettings section, string key, TimeSpan fallback, TimeSpan min, TimeSpan max, List<string> problems)
    {
        var text = Text(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        // TimeSpan reads a bare number as days: "5" is five days, not five seconds.
        var days = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? $"; '{text}' alone means {text} days" : "";
        problems.Add($"Sync:{key}: '{text}' must be a time from {Format(min)} to {Format(max)} (hours:minutes:seconds, like {Format(fallback)}{days})");
        return fallback;
    }

    private static Uri Url(AgentSettings section, string key, Uri fallback, List<string> problems)
    {
        var text = Text(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp && url.Host.Length > 0)
        {
            return url;
        }

        problems.Add($"Sync:{key}: '{text}' must be an http:// URL like {fallback}");
        return fallback;
    }

    private static MqttTransport TransportName(AgentSettings section, MqttTransport fallback, List<string> problems)
    {
        switch (Text(section["Transport"])?.ToLowerInvariant())
        {
            case null:
                return fallback;
            case "mosquitto":
                return MqttTransport.Mosquitto;
            case "mqttnet":
                return MqttTransport.MqttNet;
            default:
                problems.Add($"Sync:Transport: '{Text(section["Transport"])}' must be mosquitto (libmosquitto) or mqttnet (MQTTnet)");
                return fallback;
        }
    }

    private static string? ClientIdText(AgentSettings section, List<string> problems)
    {
        var text = Text(section["ClientId"]);
        if (text is null || (text.Length <= 256 && !text.Any(char.IsControl)))
        {
            return text;
        }

        problems.Add($"Sync:ClientId: '{text}' must be at most 256 characters without control characters");
        return null;
    }

    /// <summary>A time as the settings spell it: 00:00:05, 00:00:00.25, 1.00:00:00.</summary>
    internal static string Format(TimeSpan value)
    {
        var text = value.ToString("c", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) && text.LastIndexOf('.') > text.LastIndexOf(':') ? text.TrimEnd('0') : text;
    }
}

/// <summary>The MQTT client library behind the agent's connection (<c>Sync:Transport</c>).</summary>
public enum MqttTransport
{
    /// <summary>libmosquitto 2 through P/Invoke (Debian package libmosquitto1).</summary>
    Mosquitto,

    /// <summary>MQTTnet 5, managed code.</summary>
    MqttNet,
}
