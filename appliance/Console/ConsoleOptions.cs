using System.Net;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Console;

/// <summary>The timer's console under <c>/admin</c> (<c>Console</c> section). Every default lives here.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>
    /// Networks the console opens from, comma-separated CIDR (<c>192.168.7.0/24</c>); empty opens it from any.
    /// On a box whose phones share the hotspot, list the timer's side only: a phone there then cannot even see
    /// the sign-in page. Spectator pages stay open to all.
    /// </summary>
    public string AllowedNetworks { get; set; } = "";

    /// <summary>How long a signed-in session lasts (from sign-in; not extended by use).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(14);

    /// <summary>How long a device-pairing QR code can be used (once).</summary>
    public TimeSpan PairingLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Wrong passwords one address may try per minute; the next attempt is refused without being checked.</summary>
    public int SignInFailuresPerMinute { get; set; } = 10;

    /// <summary>The parsed <see cref="AllowedNetworks"/>; empty when any network may open the console.</summary>
    public IReadOnlyList<IPNetwork> Networks() =>
        [.. AllowedNetworks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IPNetwork.Parse)];
}

/// <summary>Checks the <c>Console</c> settings at start: a typo must not leave the console open to every phone.</summary>
public sealed class ConsoleOptionsValidation : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions options)
    {
        var failures = new List<string>();
        foreach (var network in options.AllowedNetworks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                failures.Add($"{ConsoleOptions.Section}:{nameof(ConsoleOptions.AllowedNetworks)} lists '{network}', which is not a network: give networks such as 192.168.7.0/24,127.0.0.1/32.");
            }
        }

        if (options.SessionLifetime < TimeSpan.FromMinutes(5) || options.SessionLifetime > TimeSpan.FromDays(7))
        {
            failures.Add($"{ConsoleOptions.Section}:{nameof(ConsoleOptions.SessionLifetime)} is {options.SessionLifetime}; it must be from 5 minutes to 7 days.");
        }

        if (options.PairingLifetime < TimeSpan.FromMinutes(1) || options.PairingLifetime > TimeSpan.FromHours(24))
        {
            failures.Add($"{ConsoleOptions.Section}:{nameof(ConsoleOptions.PairingLifetime)} is {options.PairingLifetime}; it must be from 1 minute to 24 hours.");
        }

        if (options.SignInFailuresPerMinute is < 1 or > 1000)
        {
            failures.Add($"{ConsoleOptions.Section}:{nameof(ConsoleOptions.SignInFailuresPerMinute)} is {options.SignInFailuresPerMinute}; it must be from 1 to 1000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
