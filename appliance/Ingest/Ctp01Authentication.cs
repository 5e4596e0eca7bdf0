using System.Security.Cryptography;
using System.Text;

namespace Edge.Appliance.Ingest;

/// <summary>
/// CTP01 authentication: the client answers <c>authorize~user~string</c> where string is the password
/// (plaintext), HMAC(password, seed) (hmac-*), or hash(seed + password) (seed-*), digests as hex.
/// </summary>
public static class Ctp01Authentication
{
    public static bool UsesSeed(string mode) => mode is not ("none" or "plaintext");

    public static string NewSeed() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The string a client with this password must present.</summary>
    public static string Expected(string mode, string password, string seed)
    {
        var p = Encoding.UTF8.GetBytes(password);
        var s = Encoding.UTF8.GetBytes(seed);
        return mode switch
        {
            "plaintext" => password,
            "hmac-sha1" => Convert.ToHexStringLower(HMACSHA1.HashData(p, s)),
            "hmac-md5" => Convert.ToHexStringLower(HMACMD5.HashData(p, s)),
            "seed-sha1" => Convert.ToHexStringLower(SHA1.HashData([.. s, .. p])),
            "seed-md5" => Convert.ToHexStringLower(MD5.HashData([.. s, .. p])),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown CTP01 authentication mode"),
        };
    }

    /// <summary>Constant-time check of what the client presented; hex digests compare case-insensitively.</summary>
    public static bool Verify(string mode, string user, string password, string seed, string presentedUser, string presented)
    {
        var expected = Expected(mode, password, seed);
        if (mode != "plaintext")
        {
            presented = presented.ToLowerInvariant();
        }

        var userOk = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(presentedUser));
        var secretOk = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
        return userOk & secretOk;
    }
}
