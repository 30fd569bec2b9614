namespace Mlops.Gateway.Serving;

/// <summary>
/// An input tensor's shape as the model takes it, [N, features] or [features]: positive sizes whose product is
/// checked before anything is sized from it (a shape of [2^62, 4] is refused, never wrapped around).
/// </summary>
public sealed record TensorShape(int Rows, int Width)
{
    /// <summary>More values than any request body can carry: a shape past it cannot match its data.</summary>
    public const long MaxValues = 64L * 1024 * 1024;

    public int Count => Rows * Width;

    public static TensorShape Of(IReadOnlyList<long> shape, string field)
    {
        var (rows, width) = shape switch
        {
            [var n, var f] when n > 0 && f > 0 => (n, f),
            [var f] when f > 0 => (1L, f),
            _ => throw ServingException.BadInput($"{field}: [{string.Join(", ", shape)}] is not a shape this model takes; give [N, features] or [features] with positive sizes"),
        };

        // Both are at most MaxValues here, so their product cannot overflow a long.
        if (rows > MaxValues || width > MaxValues || rows * width > MaxValues)
        {
            throw ServingException.BadInput($"{field}: [{string.Join(", ", shape)}] holds more values than a request can carry ({MaxValues})");
        }

        return new TensorShape((int)rows, (int)width);
    }

    /// <summary>The data must fill the shape exactly: nothing is padded or cut.</summary>
    public void CheckCount(int values, string field)
    {
        if (values != Count)
        {
            throw ServingException.BadInput($"{field}: the shape [{Rows}, {Width}] needs {Count} values; the data has {values}");
        }
    }
}
