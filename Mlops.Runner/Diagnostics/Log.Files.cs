namespace Mlops.Runner.Diagnostics;

/// <summary>Files that must survive crashes (issue 22, item 7): ids 260-279.</summary>
internal static partial class Log
{
    [LoggerMessage(260, LogLevel.Warning, "The cached model {Folder} is not as it was put in place (a file's size changed or is missing); it is fetched again")]
    public static partial void CachedModelDamaged(this ILogger logger, string folder);

    [LoggerMessage(261, LogLevel.Information, "{Count} leftover(s) of an earlier run wait for the janitor to stop that run's containers before they are removed")]
    public static partial void CrashLeftoversWaitForJanitor(this ILogger logger, int count);
}
