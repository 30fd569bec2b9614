using System.Security.Cryptography;
using System.Text;

namespace Mlops.Keys;

/// <summary>
/// Keys are 32 random bytes, so a single SHA-256 is enough to store them safely (there is no dictionary to
/// try); a slow password hash would only slow down every request.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "mlops_";

    /// <summary>Longer than any key we issue; anything longer is refused before it is hashed.</summary>
    public const int MaxLength = 128;

    /// <summary>The length of every key <see cref="Generate"/> makes: the prefix and 32 bytes in unpadded base64url.</summary>
    public const int IssuedLength = 49;

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether a secret is shaped like a key we issue; anything else is refused without a look-up.</summary>
    public static bool IsWellFormed(string secret) =>
        secret.Length == IssuedLength && secret.StartsWith(Prefix, StringComparison.Ordinal)
        && secret.AsSpan(Prefix.Length).IndexOfAnyExcept(Base64UrlAlphabet) < 0;

    /// <summary>What a listing shows of a key: enough to tell keys apart, too little to use one.</summary>
    public static string Hint(string key) => key.Length <= Prefix.Length + 4 ? key : key[..(Prefix.Length + 4)] + "…";

    private static readonly System.Buffers.SearchValues<char> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
