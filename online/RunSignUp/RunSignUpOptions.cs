using Edge.Online.Http;

namespace Edge.Online.RunSignUp;

/// <summary>How the key and secret travel (PROTOCOLS.md §4): both as query parameters, or the secret in a header.</summary>
public enum RunSignUpAuth
{
    /// <summary><c>rsu_api_key</c> in the query, the secret in the <c>X-RSU-API-SECRET</c> header: it never appears in a URL or a proxy's log.</summary>
    SecretHeader,

    /// <summary><c>api_key</c> and <c>api_secret</c> as query parameters.</summary>
    Query,
}

/// <summary>A RunSignUp account's API key and secret. Never printed: <see cref="ToString"/> shows the key's last characters only.</summary>
public sealed class RunSignUpCredentials(string apiKey, string apiSecret)
{
    public string ApiKey { get; } = Required(apiKey, nameof(apiKey));
    public string ApiSecret { get; } = Required(apiSecret, nameof(apiSecret));

    public override string ToString() => $"RunSignUp key …{ApiKey[^Math.Min(4, ApiKey.Length)..]}";

    private static string Required(string value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("must not be empty", name) : value.Trim();
}

/// <summary>The RunSignUp client's settings, every default here.</summary>
public sealed record RunSignUpOptions
{
    public static readonly Uri DefaultBaseUrl = new("https://runsignup.com/Rest/");

    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    public RunSignUpAuth Auth { get; init; } = RunSignUpAuth.SecretHeader;

    /// <summary>Participants asked for per page: 2,500 is RunSignUp's largest.</summary>
    public int ResultsPerPage { get; init; } = 2500;

    /// <summary>Results rows per post, and the pause between posts: RunSignUp's own sample posts 25 with a 1 s pause.</summary>
    public int ResultsBatch { get; init; } = 25;

    public TimeSpan BatchPause { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>RunSignUp publishes no rate limit; the seed's cloud collector kept to 1,000 calls an hour per account.</summary>
    public CallPolicy Calls { get; init; } = new() { RequestsPerHour = 1000, Burst = 100 };

    /// <summary>Pages read per event at most: a guard against a service that never sends a short page.</summary>
    public int MaxPages { get; init; } = 1000;

    public void Validate()
    {
        Calls.Validate();
        if (!BaseUrl.IsAbsoluteUri || BaseUrl.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException("RunSignUpOptions.BaseUrl must be an absolute http(s) URL", nameof(BaseUrl));
        }

        if (ResultsPerPage is < 1 or > 2500)
        {
            throw new ArgumentException("RunSignUpOptions.ResultsPerPage must be 1 to 2500 (RunSignUp's largest page)", nameof(ResultsPerPage));
        }

        if (ResultsBatch is < 1 or > 1000 || BatchPause < TimeSpan.Zero || MaxPages < 1)
        {
            throw new ArgumentException("RunSignUpOptions: ResultsBatch must be 1 to 1000, BatchPause at least zero, MaxPages at least 1");
        }
    }
}
