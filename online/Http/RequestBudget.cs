namespace Edge.Online.Http;

/// <summary>
/// A token bucket that keeps calls within a budget for any one hour: it holds <c>burst</c> tokens at most and refills at
/// <c>requestsPerHour - burst</c> an hour, so no hour, however placed, sees more than <c>requestsPerHour</c> calls
/// (a burst, then the refill). One budget belongs to one account: clients calling for the same account share it.
/// Time comes from the <see cref="TimeProvider"/>, so tests wait without waiting.
/// </summary>
public sealed class RequestBudget
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly double _capacity;
    private readonly double _perSecond;
    private double _tokens;
    private long _refilledAt;

    public RequestBudget(int requestsPerHour, int burst, TimeProvider? time = null)
    {
        if (burst < 1 || requestsPerHour <= burst)
        {
            throw new ArgumentOutOfRangeException(nameof(burst), $"a budget of {requestsPerHour} an hour needs a burst of 1 to {requestsPerHour - 1}");
        }

        _time = time ?? TimeProvider.System;
        RequestsPerHour = requestsPerHour;
        _capacity = burst;
        _perSecond = (requestsPerHour - burst) / 3600.0;
        _tokens = burst;
        _refilledAt = _time.GetTimestamp();
    }

    public int RequestsPerHour { get; }

    public static RequestBudget For(CallPolicy policy, TimeProvider? time = null) => new(policy.RequestsPerHour, policy.Burst, time);

    /// <summary>Takes a token and returns zero, or takes nothing and returns how long until one is there.</summary>
    public TimeSpan TryTake()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + _time.GetElapsedTime(_refilledAt, now).TotalSeconds * _perSecond);
            _refilledAt = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return TimeSpan.Zero;
            }

            // Rounded up to a whole millisecond, so the wait never ends a hair before the token.
            return TimeSpan.FromMilliseconds(Math.Ceiling((1 - _tokens) / _perSecond * 1000));
        }
    }

    /// <summary>Waits for a token; fails with <see cref="OnlineProblem.BudgetSpent"/> when it is further than <paramref name="maxWait"/>.</summary>
    public async Task TakeAsync(TimeSpan maxWait, string service, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        for (var wait = TryTake(); wait > TimeSpan.Zero; wait = TryTake())
        {
            if (waited + wait > maxWait)
            {
                throw new OnlineException(OnlineProblem.BudgetSpent,
                    $"the request budget for {service} ({RequestsPerHour} calls an hour) is spent: the next call could go in {Describe(waited + wait)}, " +
                    $"longer than the {Describe(maxWait)} this client waits; try again later");
            }

            await Task.Delay(wait, _time, cancellationToken);
            waited += wait;
        }
    }

    internal static string Describe(TimeSpan wait) => wait.TotalSeconds < 120
        ? $"{Math.Ceiling(wait.TotalSeconds):0} s"
        : $"{Math.Ceiling(wait.TotalMinutes):0} min";
}
