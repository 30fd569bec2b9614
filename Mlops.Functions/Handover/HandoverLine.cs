namespace Mlops.Functions.Handover;

/// <summary>
/// The invocation the runner hands a pooled container: the line <c>&lt;invocation-id&gt; &lt;traceparent-or-dash&gt; &lt;nonce&gt;</c>
/// it writes on the hand-over pipe.
/// </summary>
/// <param name="InvocationId">What a cold container gets as <c>MLOPS_INVOCATION_ID</c>.</param>
/// <param name="Traceparent">What a cold container gets as <c>TRACEPARENT</c>; null when the line has <c>-</c>.</param>
/// <param name="Nonce">32 lowercase hex characters that the done marker repeats, so that no line the invocation prints can pass for it.</param>
internal sealed record HandoverLine(string InvocationId, string? Traceparent, string Nonce)
{
    private const string Shape = "'<invocation-id> <traceparent-or-dash> <nonce>', three fields separated by single spaces";

    /// <summary>The line without its newline.</summary>
    /// <exception cref="FormatException">The line is not three fields, or the nonce is not 32 lowercase hex characters.</exception>
    public static HandoverLine Parse(string line)
    {
        var fields = line.Split(' ');
        if (fields.Length != 3)
        {
            throw new FormatException($"the hand-over line has {fields.Length} field(s), not {Shape}");
        }

        if (Array.IndexOf(fields, "") is var empty and >= 0)
        {
            throw new FormatException($"field {empty + 1} of the hand-over line is empty: it must be {Shape}");
        }

        // The value is not quoted: it is the secret the done marker proves itself with.
        var nonce = fields[2];
        if (nonce.Length != 32)
        {
            throw new FormatException($"the nonce of the hand-over line has {nonce.Length} characters, not 32 lowercase hex ones");
        }

        if (!nonce.All(char.IsAsciiHexDigitLower))
        {
            throw new FormatException("the nonce of the hand-over line is not lowercase hex: 32 characters of 0-9 and a-f");
        }

        // The traceparent is passed on unchecked, as a cold container gets it: tracing never fails an invocation.
        return new HandoverLine(fields[0], fields[1] == "-" ? null : fields[1], nonce);
    }
}
