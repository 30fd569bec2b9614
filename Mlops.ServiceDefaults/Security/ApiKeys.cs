using System.Security.Cryptography;
using System.Text;

namespace Mlops.ServiceDefaults.Security;

/// <summary>
/// Keys are 32 random bytes, so a single SHA-256 is enough to store them safely (there is no dictionary to
/// try); a slow password hash would only slow down every request.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "mlops_";

    /// <summary>Longer than any key we issue; anything longer is refused before it is hashed.</summary>
    public const int MaxLength = 128;

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>What a listing shows of a key: enough to tell keys apart, too little to use one.</summary>
    public static string Hint(string key) => key.Length <= Prefix.Length + 4 ? key : key[..(Prefix.Length + 4)] + "…";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
