using System.Globalization;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Web;

/// <summary>Pages, live updates, displays and the captive portal (<c>Web</c> section). Every default lives here.</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>
    /// A page that follows a whole race (or everything) is told at most once per interval; the first change after a
    /// quiet spell goes out at once. A page that follows one runner is told at once when that runner's row changes.
    /// </summary>
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often open screens (<c>/d/{id}</c>) are brought up to date (<see cref="ScreenStreams"/>): each template's
    /// fragment is rendered once and sent to its screens when it changed. Shorter than <see cref="LiveInterval"/>: a
    /// volunteer reads the finish screen as the runner crosses, and a screen is sent only what changed, while every
    /// phone's refresh is a page of its own over Wi-Fi.
    /// </summary>
    public TimeSpan DisplayInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a quiet event stream gets a comment, so proxies and phones do not close it as idle.</summary>
    public TimeSpan LiveHeartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Most event streams open at once; more are answered 503 and their EventSource retries later.</summary>
    public int MaxLiveClients { get; set; } = 5_000;

    /// <summary>How long a leaderboard display shows one page before the next.</summary>
    public TimeSpan DisplayCycle { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Largest request body Kestrel takes (413 beyond it). The box's pages and API take none; an endpoint that takes
    /// uploads raises it for itself (<c>RequestSizeLimitAttribute</c> as endpoint metadata).
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest size of a request's headers together (431 beyond it; the request line has Kestrel's own 8 KiB limit); a phone sends one or two KiB.</summary>
    public int MaxRequestHeadersBytes { get; set; } = 16 * 1024;

    /// <summary>Most request headers (431 beyond it); a phone sends about fifteen.</summary>
    public int MaxRequestHeaders { get; set; } = 64;

    /// <summary>A connection that has not sent a whole request head within this is closed (a slow client holds nothing for long).</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Most HTTP connections open at once; more wait in the listen backlog. 500 phones and 200 displays each hold an
    /// event stream and, while a page loads, up to six more connections (HTTP/1.1): about 5,000 at the worst moment,
    /// with room for <see cref="MaxLiveClients"/> streams.
    /// </summary>
    public long MaxConnections { get; set; } = 8_192;

    /// <summary>Comma-separated host names the captive portal treats as the box's own (never redirected).</summary>
    public string HostNames { get; set; } = "";

    /// <summary>The entries of <see cref="HostNames"/>, trimmed.</summary>
    public string[] HostNameList() =>
        HostNames.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// Checks the <c>Web</c> settings at start, so a bad value stops the box with a message naming the key and the value
/// instead of a page misbehaving during the race (a zero heartbeat would have a live stream send comments without pause).
/// </summary>
public sealed class WebOptionsValidation : IValidateOptions<WebOptions>
{
    /// <summary>
    /// Longest interval accepted. Longer is a typo, most often a plain number: TimeSpan reads "15" as fifteen days.
    /// It also keeps every interval within what a timer can wait for.
    /// </summary>
    public static readonly TimeSpan LongestInterval = TimeSpan.FromHours(1);

    public const int MostLiveClients = 100_000;

    /// <summary>Largest body limit accepted: an upload endpoint raises its own limit, the box-wide one stays small.</summary>
    public const long MostRequestBodyBytes = 1024L * 1024 * 1024;

    public const int MostRequestHeadersBytes = 1024 * 1024;

    public const int MostRequestHeaders = 1_000;

    public const long MostConnections = 1_000_000;

    /// <summary>A head that takes longer than this is not a phone on bad Wi-Fi but a connection held open on purpose.</summary>
    public static readonly TimeSpan LongestRequestHeadersTimeout = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        var failures = new List<string>();
        Interval(failures, nameof(WebOptions.LiveInterval), options.LiveInterval, "race pages are told of changes at most this often");
        Interval(failures, nameof(WebOptions.DisplayInterval), options.DisplayInterval, "screens are told of changes at most this often");
        Interval(failures, nameof(WebOptions.LiveHeartbeat), options.LiveHeartbeat, "a quiet event stream gets a comment this often");
        Interval(failures, nameof(WebOptions.DisplayCycle), options.DisplayCycle, "a leaderboard page stays up this long");
        if (options.MaxLiveClients is < 1 or > MostLiveClients)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{WebOptions.Section}:{nameof(WebOptions.MaxLiveClients)} is {options.MaxLiveClients}; it must be from 1 to {MostLiveClients} (event streams open at once)."));
        }

        Range(failures, nameof(WebOptions.MaxRequestBodyBytes), options.MaxRequestBodyBytes, 1024, MostRequestBodyBytes, "bytes of a request body");
        Range(failures, nameof(WebOptions.MaxRequestHeadersBytes), options.MaxRequestHeadersBytes, 4096, MostRequestHeadersBytes, "bytes of a request's headers together");
        Range(failures, nameof(WebOptions.MaxRequestHeaders), options.MaxRequestHeaders, 16, MostRequestHeaders, "headers of one request");
        Range(failures, nameof(WebOptions.MaxConnections), options.MaxConnections, 64, MostConnections, "HTTP connections open at once");
        if (options.RequestHeadersTimeout <= TimeSpan.Zero || options.RequestHeadersTimeout > LongestRequestHeadersTimeout)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{WebOptions.Section}:{nameof(WebOptions.RequestHeadersTimeout)} is {options.RequestHeadersTimeout}; it must be more than zero and at most {LongestRequestHeadersTimeout} (a request's head must arrive within it)."));
        }

        foreach (var host in options.HostNameList())
        {
            if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
            {
                failures.Add($"{WebOptions.Section}:{nameof(WebOptions.HostNames)} lists '{host}', which is not a host name (give names like results.lan, separated by commas).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string key, long value, long least, long most, string meaning)
    {
        if (value < least || value > most)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{WebOptions.Section}:{key} is {value}; it must be from {least} to {most} ({meaning})."));
        }
    }

    private static void Interval(List<string> failures, string key, TimeSpan value, string meaning)
    {
        if (value <= TimeSpan.Zero || value > LongestInterval)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{WebOptions.Section}:{key} is {value}; it must be more than zero and at most {LongestInterval} ({meaning})."));
        }
    }
}
