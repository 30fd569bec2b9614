using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mlops.Runner.Tests.Pipelines.Runs;

/// <summary>Keeps what the engine logs as errors: a test fails on an error no assertion expected.</summary>
internal sealed class ErrorLog : ILogger<Mlops.Runner.Pipelines.PipelineRuns>
{
    public ConcurrentQueue<string> Errors { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Errors.Enqueue($"{formatter(state, exception)}: {exception}");
        }
    }
}
