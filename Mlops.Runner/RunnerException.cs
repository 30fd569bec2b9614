namespace Mlops.Runner;

/// <summary>What went wrong, in terms a caller can act on; the gRPC edge maps each to a status code.</summary>
public enum ErrorKind
{
    InvalidArgument,
    NotFound,
    FailedPrecondition,
    ResourceExhausted,
    /// <summary>The caller's key may not do this to this thing (another key's endpoint).</summary>
    PermissionDenied,
    DeadlineExceeded,
    Cancelled,
    Unavailable,
    /// <summary>The function itself failed (non-zero exit); not the caller's mistake, not the runner's.</summary>
    FunctionFailed,
}

public sealed record FieldViolation(string Field, string Description);

/// <summary>
/// An expected failure with a precise kind; anything else is a bug and surfaces as such. Its message and
/// violations are bounded here, once, since they travel to statuses, trailers, logs and spans.
/// </summary>
public sealed class RunnerException(ErrorKind kind, string message, IReadOnlyList<FieldViolation>? violations = null, Exception? inner = null)
    : Exception(Bounded.Text(message), inner)
{
    private const int MaxViolations = 20;

    public ErrorKind Kind { get; } = kind;

    public IReadOnlyList<FieldViolation> Violations { get; } = (violations ?? [])
        .Take(MaxViolations)
        .Select(v => new FieldViolation(Bounded.Text(v.Field, Bounded.NameLength), Bounded.Text(v.Description)))
        .ToList();

    public static RunnerException InvalidArgument(string field, string description) =>
        new(ErrorKind.InvalidArgument, $"{Bounded.Text(field, Bounded.NameLength)}: {description}", [new FieldViolation(field, description)]);

    public static RunnerException NotFound(string message) => new(ErrorKind.NotFound, message);

    public static RunnerException FailedPrecondition(string message) => new(ErrorKind.FailedPrecondition, message);
}
