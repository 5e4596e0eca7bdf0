using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Edge.Appliance.Box;

/// <summary>
/// SHA-512 crypt (<c>$6$salt$hash</c>) by the system's own libcrypt, the form pam_pwdfile checks a password against
/// (it calls the same crypt_r), so the FTP server's password file never holds the password itself.
/// </summary>
public static partial class ShaCrypt
{
    private const string SaltAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    // struct crypt_data is 32 KiB in libxcrypt (Debian's libcrypt.so.1) and 128 KiB in glibc's old libcrypt: room for either.
    private const int CryptDataBytes = 256 * 1024;

    /// <summary>The password's hash with a random 16-character salt.</summary>
    public static string Hash(string password) => Hash(password, "$6$" + new string(RandomNumberGenerator.GetItems<char>(SaltAlphabet, 16)));

    /// <summary>crypt(3) of <paramref name="password"/> with <paramref name="setting"/> (<c>$6$salt</c>, or a whole hash to check against).</summary>
    public static unsafe string Hash(string password, string setting)
    {
        var data = new byte[CryptDataBytes];
        fixed (byte* buffer = data)
        {
            // crypt_r answers with a pointer into data (or "*0"/"*1", or null, when the setting is not one it knows).
            var hash = Marshal.PtrToStringUTF8((nint)CryptR(password, setting, buffer));
            return hash is not null && hash.StartsWith("$6$", StringComparison.Ordinal)
                ? hash
                : throw new InvalidOperationException($"libcrypt gave no SHA-512 hash ({hash ?? "null"})");
        }
    }

    [LibraryImport("libcrypt.so.1", EntryPoint = "crypt_r", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial byte* CryptR(string phrase, string setting, byte* data);
}
