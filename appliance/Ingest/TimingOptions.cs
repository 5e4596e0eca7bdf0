using System.ComponentModel.DataAnnotations;

namespace Edge.Appliance.Ingest;

/// <summary>The CTP01 listener (<c>Timing</c> section). Every default lives here.</summary>
public sealed class TimingOptions
{
    public const string Section = "Timing";

    /// <summary>
    /// Networks the timing port takes connections from, comma-separated CIDR (<c>192.168.7.0/24,127.0.0.1/32</c>);
    /// empty takes any. On a box whose phones share a network with the timer, list the timer's side only, so a
    /// phone can never inject reads.
    /// </summary>
    public string AllowedNetworks { get; set; } = "";

    /// <summary>The parsed <see cref="AllowedNetworks"/>; empty when any network may connect. Throws on a malformed entry.</summary>
    public IReadOnlyList<System.Net.IPNetwork> Networks() =>
        [.. AllowedNetworks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(System.Net.IPNetwork.Parse)];

    /// <summary>True when <paramref name="address"/> may open a timing connection.</summary>
    public static bool Allows(IReadOnlyList<System.Net.IPNetwork> networks, System.Net.IPAddress? address)
    {
        if (networks.Count == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return networks.Any(n => n.Contains(plain));
    }

    /// <summary>TCP port ChronoTrack middleware connects to; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 61611;

    /// <summary>Address to listen on; 0.0.0.0 is every interface.</summary>
    [Required]
    public string Address { get; set; } = "0.0.0.0";

    // CTP01 request lines the box sends after the greeting.
    [RegularExpression("single|multi")]
    public string Location { get; set; } = "multi";
    public bool GunTimes { get; set; } = true;
    public bool NewLocations { get; set; } = true;
    public bool ConnectionId { get; set; } = true;
    [RegularExpression("push|pull")]
    public string StreamMode { get; set; } = "push";
    [RegularExpression("normal|iso|unix|msecs")]
    public string TimeFormat { get; set; } = "iso";

    /// <summary>none, plaintext, hmac-sha1, hmac-md5, seed-sha1 or seed-md5.</summary>
    [RegularExpression("none|plaintext|hmac-sha1|hmac-md5|seed-sha1|seed-md5")]
    public string Authentication { get; set; } = "none";
    public string User { get; set; } = "";
    public string Password { get; set; } = "";
    /// <summary>A file whose first line is the password; preferred over <see cref="Password"/> so it stays out of config.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>How often the box pings; a client that sends nothing between two pings is disconnected.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Timing:PingInterval must be between 00:00:00.010 and 01:00:00")]
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long a new connection may take to greet (and authenticate).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Timing:GreetingTimeout must be between 00:00:00.010 and 01:00:00")]
    public TimeSpan GreetingTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long one write to a client may take before the client counts as not reading.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Timing:WriteTimeout must be between 00:00:00.010 and 01:00:00")]
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest line accepted; a longer one closes the connection (CTP01 lines are under 100 bytes).</summary>
    [Range(128, 1 << 20)]
    public int MaxLineLength { get; set; } = 4096;
    [Range(1, 100_000)]
    public int MaxConnections { get; set; } = 4096;
    /// <summary>Locations one connection may start; real events have a few dozen timing points at most.</summary>
    [Range(1, 100_000)]
    public int MaxLocationsPerConnection { get; set; } = 256;
    /// <summary>Rejected lines logged one by one per connection; the rest are counted and summarised at close.</summary>
    [Range(0, 10_000)]
    public int LoggedRejectionsPerConnection { get; set; } = 20;

    // Pull mode: reads asked for per getdata, and the wait after a round that brought nothing.
    [Range(1, 100_000)]
    public int PullBatch { get; set; } = 500;
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Timing:PullIdleDelay must be between 00:00:00.010 and 01:00:00")]
    public TimeSpan PullIdleDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Pull mode: longest wait for the lines an <c>ack~getdata~N</c> announced; then the box asks again from where it got to.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Timing:PullTimeout must be between 00:00:00.010 and 01:00:00")]
    public TimeSpan PullTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
