namespace Mlops.Runner.Endpoints;

/// <summary>A watcher fell too far behind the endpoint changes: its watch ends, and it re-reads the snapshot by watching again.</summary>
public sealed class WatchOverflowException(int backlog)
    : Exception($"the watch fell {backlog} events behind and was ended; watch again to read the endpoints as they are now");
