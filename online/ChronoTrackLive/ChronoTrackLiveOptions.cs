using System.Security.Cryptography;
using System.Text;
using Edge.Online.Http;

namespace Edge.Online.ChronoTrackLive;

/// <summary>
/// ChronoTrack Live's simple authentication (PROTOCOLS.md §4): <c>client_id</c>, <c>user_id</c> and <c>user_pass</c>, the
/// password's SHA-1 as lowercase hex. SHA-1 is what the real clients found send; the seed's adapter said SHA-256, without
/// a source, and its hash would be refused. Only the hash is kept; <see cref="ToString"/> shows neither.
/// </summary>
public sealed class ChronoTrackCredentials
{
    private ChronoTrackCredentials(string clientId, string userId, string passwordHash) =>
        (ClientId, UserId, PasswordHash) = (clientId, userId, passwordHash);

    public string ClientId { get; }
    public string UserId { get; }

    /// <summary>The <c>user_pass</c> sent: SHA-1 of the password's UTF-8 bytes, 40 lowercase hex digits.</summary>
    public string PasswordHash { get; }

    public static ChronoTrackCredentials FromPassword(string clientId, string userId, string password)
    {
        if (string.IsNullOrWhiteSpace(clientId) || string.IsNullOrWhiteSpace(userId) || string.IsNullOrEmpty(password))
        {
            throw new ArgumentException("a client id, a user and a password are all needed");
        }

        return new ChronoTrackCredentials(clientId.Trim(), userId.Trim(), Sha1Hex(password));
    }

    public static string Sha1Hex(string password) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(password)));

    public override string ToString() => $"ChronoTrack Live user {UserId}";
}

/// <summary>The ChronoTrack Live client's settings, every default here.</summary>
public sealed record ChronoTrackLiveOptions
{
    public static readonly Uri DefaultBaseUrl = new("https://api.chronotrack.com/api/");

    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary>Entries asked for per page (<c>size</c>); the real clients found ask for 100. The API's largest is not published.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>
    /// ChronoTrack Live publishes no limit (the seed's adapter claimed 90,000 an hour without a source): a budget far below
    /// that, one call a second after a burst of 100, still pulls a 27,000-runner race in under five minutes.
    /// </summary>
    public CallPolicy Calls { get; init; } = new() { RequestsPerHour = 3600, Burst = 100 };

    /// <summary>Pages read at most: a guard against a page count that never ends.</summary>
    public int MaxPages { get; init; } = 10_000;

    public void Validate()
    {
        Calls.Validate();
        if (!BaseUrl.IsAbsoluteUri || BaseUrl.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException("ChronoTrackLiveOptions.BaseUrl must be an absolute http(s) URL", nameof(BaseUrl));
        }

        if (PageSize is < 1 or > 10_000 || MaxPages < 1)
        {
            throw new ArgumentException("ChronoTrackLiveOptions: PageSize must be 1 to 10000, MaxPages at least 1");
        }
    }
}
