namespace Mlops.Runner.Images;

/// <summary>What resolving a function's image reports, in order: [started, line*,] ready.</summary>
public abstract record ImageEvent;

/// <summary>No image exists for the function's current contents; a build runs (or is already running).</summary>
public sealed record ImageBuildStarted(string Tag) : ImageEvent;

public sealed record ImageBuildLine(string Line, DateTimeOffset Time) : ImageEvent;

/// <param name="FunctionLayersBytes">What the function adds on top of its base image; null when not asked for.</param>
public sealed record ImageReady(string Tag, string Id, long SizeBytes, bool CacheHit, TimeSpan Duration, long? FunctionLayersBytes = null) : ImageEvent;
