using Google.Protobuf.WellKnownTypes;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Grpc;

/// <summary>The request fields several calls share, read once: refused with InvalidArgument naming the field, never cut to fit.</summary>
internal static class RequestFields
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    /// <summary>page_size: 0 means the default.</summary>
    public static int PageSize(int requested) => requested is < 0 or > MaxPageSize
        ? throw RunnerException.InvalidArgument("page_size", $"must be between 0 and {MaxPageSize}")
        : requested == 0 ? DefaultPageSize : requested;

    /// <summary>A function (or experiment) name to filter by; empty means all.</summary>
    public static string? OptionalName(string value, string field) => string.IsNullOrEmpty(value) ? null : FunctionName.Validate(value, field);

    /// <summary>How long a call may wait for something to happen; absent means not at all.</summary>
    public static TimeSpan Wait(Duration? wait) => wait?.ToTimeSpan() is not { } span ? TimeSpan.Zero
        : span < TimeSpan.Zero ? throw RunnerException.InvalidArgument("wait", "must not be negative")
        : span;
}
