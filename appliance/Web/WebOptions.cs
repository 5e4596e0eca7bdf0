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

    /// <summary>How often a quiet event stream gets a comment, so proxies and phones do not close it as idle.</summary>
    public TimeSpan LiveHeartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Most event streams open at once; more are answered 503 and their EventSource retries later.</summary>
    public int MaxLiveClients { get; set; } = 5_000;

    /// <summary>How long a leaderboard display shows one page before the next.</summary>
    public TimeSpan DisplayCycle { get; set; } = TimeSpan.FromSeconds(10);

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

    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        var failures = new List<string>();
        Interval(failures, nameof(WebOptions.LiveInterval), options.LiveInterval, "race pages are told of changes at most this often");
        Interval(failures, nameof(WebOptions.LiveHeartbeat), options.LiveHeartbeat, "a quiet event stream gets a comment this often");
        Interval(failures, nameof(WebOptions.DisplayCycle), options.DisplayCycle, "a leaderboard page stays up this long");
        if (options.MaxLiveClients is < 1 or > MostLiveClients)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{WebOptions.Section}:{nameof(WebOptions.MaxLiveClients)} is {options.MaxLiveClients}; it must be from 1 to {MostLiveClients} (event streams open at once)."));
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

    private static void Interval(List<string> failures, string key, TimeSpan value, string meaning)
    {
        if (value <= TimeSpan.Zero || value > LongestInterval)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{WebOptions.Section}:{key} is {value}; it must be more than zero and at most {LongestInterval} ({meaning})."));
        }
    }
}
