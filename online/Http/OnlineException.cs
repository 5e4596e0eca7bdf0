namespace Edge.Online.Http;

/// <summary>What went wrong with a call to an outside service, so a caller can decide (retry later, fix a key, give up).</summary>
public enum OnlineProblem
{
    /// <summary>401 or 403: the key, secret or password is wrong, or has no access to that race or event.</summary>
    Refused,

    /// <summary>404: the race, event or result set does not exist (or the account cannot see it).</summary>
    NotFound,

    /// <summary>Another 4xx, or an error the service put in an otherwise successful answer.</summary>
    Rejected,

    /// <summary>429 more often than the attempts allow, or a Retry-After longer than the client will wait.</summary>
    RateLimited,

    /// <summary>The client's own request budget is spent and the next call is further away than it will wait.</summary>
    BudgetSpent,

    /// <summary>5xx, timeouts or transport errors on every attempt.</summary>
    Unavailable,

    /// <summary>An answer that is not the JSON the API documents.</summary>
    Malformed,

    /// <summary>An answer larger than the client takes.</summary>
    TooLarge,
}

/// <summary>
/// A call to RunSignUp or ChronoTrack Live that did not give what was asked. The message is one sentence a timer can
/// act on: which service, which call, what it said, what to check. It never holds a key, secret or password.
/// </summary>
public sealed class OnlineException(OnlineProblem problem, string message, Exception? inner = null) : Exception(message, inner)
{
    public OnlineProblem Problem { get; } = problem;
}
