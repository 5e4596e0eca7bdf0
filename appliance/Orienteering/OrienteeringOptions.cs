using Microsoft.Extensions.Options;

namespace Edge.Appliance.Orienteering;

/// <summary>How result lists reach the box (<c>Edge</c> section, beside <c>Edge:DataDir</c>). Every default lives here.</summary>
public sealed class OrienteeringOptions
{
    public const string Section = "Edge";

    /// <summary>
    /// The folder the orienteering software exports into (a share the laptop writes to). Unset: no inbox is watched,
    /// and lists arrive only by upload (<c>POST /api/o/results</c>).
    /// </summary>
    public string? InboxDir { get; set; }

    /// <summary>
    /// A file is read only once its size and modification time have stayed the same this long: an exporter writing
    /// over a share is never read half-way (PROTOCOLS.md §3).
    /// </summary>
    public TimeSpan InboxSettle { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the inbox is looked at. Polled, not watched: change notifications do not cross SMB and are unreliable on FAT.</summary>
    public TimeSpan InboxPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Largest result list taken, in bytes (a log entry holds it whole): 16 MiB, about three times a 2,000-runner list
    /// with 30 splits each. Larger files are refused with that reason.
    /// </summary>
    public long MaxResultListBytes { get; set; } = 16L * 1024 * 1024;
}

/// <summary>Checks the inbox settings at start: a bad value stops the box with a message naming the key.</summary>
public sealed class OrienteeringOptionsValidation : IValidateOptions<OrienteeringOptions>
{
    public static readonly TimeSpan LongestInterval = TimeSpan.FromHours(1);

    /// <summary>The parser's own bound on a document (64 M characters).</summary>
    public const long MostResultListBytes = 64L * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, OrienteeringOptions options)
    {
        var problems = new List<string>();
        if (options.InboxDir is { } dir && string.IsNullOrWhiteSpace(dir))
        {
            problems.Add("Edge:InboxDir is blank: give a folder, or leave it out to watch no inbox.");
        }

        if (options.InboxSettle < TimeSpan.Zero || options.InboxSettle > LongestInterval)
        {
            problems.Add($"Edge:InboxSettle is {options.InboxSettle}: it must be between 0 and {LongestInterval} (hh:mm:ss).");
        }

        if (options.InboxPollInterval < TimeSpan.FromMilliseconds(10) || options.InboxPollInterval > LongestInterval)
        {
            problems.Add($"Edge:InboxPollInterval is {options.InboxPollInterval}: it must be between 00:00:00.010 and {LongestInterval}.");
        }

        if (options.MaxResultListBytes is < 1024 or > MostResultListBytes)
        {
            problems.Add($"Edge:MaxResultListBytes is {options.MaxResultListBytes}: it must be between 1024 and {MostResultListBytes}.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
