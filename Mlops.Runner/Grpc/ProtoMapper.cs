using Google.Protobuf.WellKnownTypes;
using Mlops.ServiceDefaults.Protobuf;
using Mlops.Runner.Containers;
using Mlops.Runner.Functions;
using Mlops.Runner.Images;
using Mlops.Runner.Invocations;
using V1 = Mlops.V1;

namespace Mlops.Runner.Grpc;

/// <summary>Internal records -> wire messages. The only place that knows both.</summary>
internal static class ProtoMapper
{
    public static V1.Function ToProto(FunctionEntry entry)
    {
        var function = new V1.Function { Name = entry.Name, ManifestError = entry.Error ?? "" };
        if (entry.Manifest is { } manifest)
        {
            function.Description = manifest.Description;
            function.TimeoutSeconds = (int)manifest.Timeout.TotalSeconds;
            function.MemoryMb = manifest.MemoryMb;
            function.Cpus = manifest.Cpus;
            function.Parameters.AddRange(manifest.Parameters.Select(ToProto));
        }

        return function;
    }

    private static V1.Parameter ToProto(ParameterSpec spec)
    {
        var parameter = new V1.Parameter
        {
            Name = spec.Name,
            Type = TypeName(spec.Type),
            Description = spec.Description,
            Required = spec.Required,
            ItemType = spec.ItemType is { } item ? TypeName(item) : "",
        };
        if (spec.Default is not null)
        {
            parameter.DefaultValue = StructMapper.ToValue(spec.Default);
        }

        if (spec.Minimum is { } min)
        {
            parameter.Minimum = min;
        }

        if (spec.Maximum is { } max)
        {
            parameter.Maximum = max;
        }

        if (spec.MinItems is { } minItems)
        {
            parameter.MinItems = minItems;
        }

        if (spec.MaxItems is { } maxItems)
        {
            parameter.MaxItems = maxItems;
        }

        parameter.AllowedValues.AddRange(spec.AllowedValues.Select(StructMapper.ToValue));
        return parameter;
    }

    private static string TypeName(ParameterType type) => type.ToString().ToLowerInvariant();


    public static V1.BuildEvent ToProto(ImageEvent item) => item switch
    {
        ImageBuildStarted started => new V1.BuildEvent { Started = new V1.BuildStarted { Image = started.Tag } },
        ImageBuildLine line => new V1.BuildEvent { Log = new V1.BuildLog { Line = line.Line, Time = Timestamp.FromDateTimeOffset(line.Time) } },
        ImageReady ready => new V1.BuildEvent
        {
            Completed = new V1.BuildCompleted
            {
                Image = ready.Tag,
                ImageId = ready.Id,
                CacheHit = ready.CacheHit,
                Duration = Duration.FromTimeSpan(ready.Duration),
                SizeBytes = ready.SizeBytes,
                FunctionLayersBytes = ready.FunctionLayersBytes ?? 0,
            },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(item), item.GetType().Name, "unknown image event"),
    };

    public static V1.InvokeEvent ToProto(InvocationEvent item) => item switch
    {
        InvocationAccepted accepted => new V1.InvokeEvent
        {
            Accepted = new V1.InvocationAccepted { InvocationId = accepted.InvocationId, Function = accepted.Function, Time = Timestamp.FromDateTimeOffset(accepted.Time) },
        },
        InvocationQueued queued => new V1.InvokeEvent { Queued = new V1.InvocationQueued { Position = queued.Position } },
        InvocationImageResolved image => new V1.InvokeEvent { Image = new V1.ImageResolved { Image = image.Image, CacheHit = image.CacheHit } },
        InvocationBuildLog line => new V1.InvokeEvent { BuildLog = new V1.BuildLog { Line = line.Line, Time = Timestamp.FromDateTimeOffset(line.Time) } },
        InvocationContainerStarted started => new V1.InvokeEvent { ContainerStarted = new V1.ContainerStarted { ContainerId = started.ContainerId } },
        InvocationLog line => new V1.InvokeEvent
        {
            Log = new V1.LogLine
            {
                Stream = line.Stream == OutputStream.Stderr ? V1.LogStream.Stderr : V1.LogStream.Stdout,
                Line = line.Line,
                Time = Timestamp.FromDateTimeOffset(line.Time),
            },
        },
        InvocationResult result => new V1.InvokeEvent { Result = ToProto(result) },
        InvocationCompleted completed => new V1.InvokeEvent { Completed = ToCompleted(completed.Record) },
        _ => throw new ArgumentOutOfRangeException(nameof(item), item.GetType().Name, "unknown invocation event"),
    };

    public static V1.Invocation ToProto(InvocationRecord record)
    {
        var invocation = new V1.Invocation
        {
            Id = record.Id,
            Function = record.Function,
            Status = ToProto(record.Status),
            CreatedTime = Timestamp.FromDateTimeOffset(record.CreatedAt),
            Image = record.Image ?? "",
            Phases = ToProto(record.Phases),
            ErrorCode = ErrorCode(record.ErrorKind),
            ErrorMessage = record.ErrorMessage ?? "",
            LogPath = record.LogPath,
            Pooled = record.Pooled,
        };
        if (record.EndedAt is { } ended)
        {
            invocation.EndTime = Timestamp.FromDateTimeOffset(ended);
        }

        if (record.ExitCode is { } exitCode)
        {
            invocation.ExitCode = exitCode;
        }

        if (record.Result is { } result)
        {
            invocation.Result = ToProto(result);
        }

        return invocation;
    }

    private static V1.InvocationCompleted ToCompleted(InvocationRecord record)
    {
        var completed = new V1.InvocationCompleted
        {
            Status = ToProto(record.Status),
            Phases = ToProto(record.Phases),
            ErrorCode = ErrorCode(record.ErrorKind),
            ErrorMessage = record.ErrorMessage ?? "",
            Pooled = record.Pooled,
        };
        if (record.ExitCode is { } exitCode)
        {
            completed.ExitCode = exitCode;
        }

        return completed;
    }

    private static V1.InvocationResult ToProto(InvocationResult result) => new()
    {
        Metrics = StructMapper.ToStruct(result.Metrics),
        Params = StructMapper.ToStruct(result.Params),
        Data = StructMapper.ToStruct(result.Data),
    };

    private static V1.PhaseDurations ToProto(InvocationPhases phases) => new()
    {
        Queue = Duration.FromTimeSpan(phases.Queue),
        Image = Duration.FromTimeSpan(phases.Image),
        Create = Duration.FromTimeSpan(phases.Create),
        Start = Duration.FromTimeSpan(phases.Start),
        Run = Duration.FromTimeSpan(phases.Run),
        Remove = Duration.FromTimeSpan(phases.Remove),
        Total = Duration.FromTimeSpan(phases.Total),
        Handover = Duration.FromTimeSpan(phases.Handover),
    };

    private static V1.InvocationStatus ToProto(InvocationStatus status) => status switch
    {
        InvocationStatus.Pending => V1.InvocationStatus.Pending,
        InvocationStatus.Running => V1.InvocationStatus.Running,
        InvocationStatus.Succeeded => V1.InvocationStatus.Succeeded,
        InvocationStatus.Failed => V1.InvocationStatus.Failed,
        InvocationStatus.TimedOut => V1.InvocationStatus.TimedOut,
        InvocationStatus.OomKilled => V1.InvocationStatus.OomKilled,
        InvocationStatus.Cancelled => V1.InvocationStatus.Cancelled,
        _ => V1.InvocationStatus.Unspecified,
    };

    /// <summary>The gRPC status code name a failed invocation ended with, e.g. DEADLINE_EXCEEDED.</summary>
    private static string ErrorCode(ErrorKind? kind) =>
        kind is { } k ? Google.Rpc.CodeReflection.Descriptor.EnumTypes[0].FindValueByNumber((int)ErrorInterceptor.ToStatusCode(k)).Name : "";
}
