namespace Edge.Online.Http;

/// <summary>
/// How one client calls its service: attempts, backoff, waits it accepts, sizes it takes and its request budget. Every
/// default is here; the service clients set their own budget (<see cref="RunSignUp.RunSignUpOptions"/>,
/// <see cref="ChronoTrackLive.ChronoTrackLiveOptions"/>).
/// </summary>
public sealed record CallPolicy
{
    /// <summary>Tries per call, the first included: 5xx, timeouts, transport errors and 429 are tried again.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The wait before the second try; it doubles for each further one, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest Retry-After honoured; a service asking for more fails the call with its own wait in the message.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>One try's limit, from sending the request to the last byte of the answer.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest answer read; a RunSignUp page of 2,500 participants is about 4 MB.</summary>
    public long MaxResponseBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>Calls allowed in any one hour (the token bucket's promise; see <see cref="RequestBudget"/>).</summary>
    public int RequestsPerHour { get; init; } = 1000;

    /// <summary>Calls that may go at once before the budget spaces them out; part of <see cref="RequestsPerHour"/>.</summary>
    public int Burst { get; init; } = 100;

    /// <summary>The longest wait for the budget; beyond it the call fails rather than hang a timer's command.</summary>
    public TimeSpan MaxBudgetWait { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws for a policy that could never call (no attempts, no budget) or never stop.</summary>
    public void Validate()
    {
        Check(MaxAttempts is >= 1 and <= 100, nameof(MaxAttempts), "must be 1 to 100");
        Check(FirstBackoff >= TimeSpan.Zero && MaxBackoff >= FirstBackoff, nameof(FirstBackoff), "must be at least zero and at most MaxBackoff");
        Check(MaxRetryAfter >= TimeSpan.Zero, nameof(MaxRetryAfter), "must be at least zero");
        Check(RequestTimeout > TimeSpan.Zero, nameof(RequestTimeout), "must be more than zero");
        Check(MaxResponseBytes is >= 1024 and <= 1L << 31, nameof(MaxResponseBytes), "must be 1 KiB to 2 GiB");
        Check(RequestsPerHour >= 1 && Burst >= 1 && Burst < RequestsPerHour, nameof(Burst), "must be at least 1 and less than RequestsPerHour");
        Check(MaxBudgetWait >= TimeSpan.Zero, nameof(MaxBudgetWait), "must be at least zero");
    }

    /// <summary>The wait before try <paramref name="attempt"/> + 1 after a failed try <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan Backoff(int attempt)
    {
        var ticks = FirstBackoff.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        return ticks >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    private static void Check(bool ok, string name, string problem)
    {
        if (!ok)
        {
            throw new ArgumentException($"CallPolicy.{name} {problem}", name);
        }
    }
}
