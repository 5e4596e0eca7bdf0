using System.Security.Cryptography;

namespace Edge.Simulator;

/// <summary>How the simulated middleware connects and behaves; every default lives here.</summary>
public sealed record ClientOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 61611;
    public string Program { get; init; } = "SimpleClient";
    public string Version { get; init; } = "0.5.0";

    /// <summary>Random per instance (40 lowercase hex chars, like SimpleClient's); copy it to simulate a returning client.</summary>
    public string ConnectionId { get; init; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    public string EventName { get; init; } = "Demo Race";
    public string EventId { get; init; } = "4242";
    public string? User { get; init; }
    public string? Password { get; init; }

    /// <summary>Release pace of the timeline; 0 = release everything at once.</summary>
    public double ReadsPerSecond { get; init; } = 0;

    /// <summary>Reconnect after a drop (100 ms, doubling to 2 s).</summary>
    public bool Reconnect { get; init; } = true;

    /// <summary>"~" writes CT01_33 lines, "," CT01_13; ";", "|" and tab are accepted too.</summary>
    public string Separator { get; init; } = "~";

    /// <summary>End lines with LF instead of CR LF, as some senders do.</summary>
    public bool LineFeedOnly { get; init; } = false;

    /// <summary>How long the server may take to send its header, requests and authorization answer; then it counts as a drop.</summary>
    public TimeSpan GreetingTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Receives one line per connection event (connect, drop, refusal); null = silent.</summary>
    public Action<string>? Log { get; init; }
}
