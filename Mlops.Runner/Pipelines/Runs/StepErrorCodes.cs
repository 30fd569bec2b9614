namespace Mlops.Runner.Pipelines;

/// <summary>
/// A failed step's or run's code as kept in the run store and shown to users: the gRPC status code's name
/// ("DEADLINE_EXCEEDED"), so that it reads the same in the store, the REST answer and the CLI.
/// </summary>
internal static class StepErrorCodes
{
    public const string Internal = "INTERNAL";

    private static readonly (ErrorKind Kind, string Code)[] Codes =
    [
        (ErrorKind.InvalidArgument, "INVALID_ARGUMENT"),
        (ErrorKind.NotFound, "NOT_FOUND"),
        (ErrorKind.FailedPrecondition, "FAILED_PRECONDITION"),
        (ErrorKind.ResourceExhausted, "RESOURCE_EXHAUSTED"),
        (ErrorKind.PermissionDenied, "PERMISSION_DENIED"),
        (ErrorKind.DeadlineExceeded, "DEADLINE_EXCEEDED"),
        (ErrorKind.Cancelled, "CANCELLED"),
        (ErrorKind.Unavailable, "UNAVAILABLE"),
        // A function's own failure is INTERNAL on the wire (see ErrorInterceptor): not the caller's mistake.
        (ErrorKind.FunctionFailed, Internal),
    ];

    public static string Of(ErrorKind kind) => Codes.First(pair => pair.Kind == kind).Code;

    public static ErrorKind KindOf(string? code) =>
        Codes.FirstOrDefault(pair => pair.Code == code) is { Code: not null } found ? found.Kind : ErrorKind.FunctionFailed;

    /// <summary>A user error: the same attempt would fail the same way again.</summary>
    public static bool IsFinal(ErrorKind kind) => kind is ErrorKind.InvalidArgument or ErrorKind.NotFound;
}
