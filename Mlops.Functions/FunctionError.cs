namespace Mlops.Functions;

/// <summary>
/// A refusal of the caller's input or of the current state, thrown by a function: the host writes it to
/// <c>error.json</c> and exits with code 1, and the runner answers the caller with the status of <see cref="Code"/>.
/// Any other exception is a bug of the function: it exits non-zero with its message on stderr.
/// </summary>
public sealed class FunctionError(string code, string message) : Exception(message)
{
    /// <summary>The status the runner answers with: INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND or RESOURCE_EXHAUSTED.</summary>
    public string Code { get; } = code;

    /// <summary>The input is wrong; the message says what and where.</summary>
    public static FunctionError InvalidArgument(string message) => new("INVALID_ARGUMENT", message);

    /// <summary>The input is fine but the state forbids the call (for instance, no model was trained yet).</summary>
    public static FunctionError FailedPrecondition(string message) => new("FAILED_PRECONDITION", message);

    /// <summary>Something the input names does not exist.</summary>
    public static FunctionError NotFound(string message) => new("NOT_FOUND", message);

    /// <summary>The input asks for more than the function can give.</summary>
    public static FunctionError ResourceExhausted(string message) => new("RESOURCE_EXHAUSTED", message);
}
