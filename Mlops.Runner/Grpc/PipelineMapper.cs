using Google.Protobuf.WellKnownTypes;
using Mlops.Runner.Containers;
using Mlops.Runner.Pipelines;
using Mlops.ServiceDefaults.Protobuf;
using V1 = Mlops.V1;

namespace Mlops.Runner.Grpc;

/// <summary>Pipelines' records -> wire messages: plans, runs, steps and the run's event feed.</summary>
internal static class PipelineMapper
{
    public static V1.Pipeline ToProto(PipelineEntry entry) =>
        entry.Definition is { } definition ? ToProto(definition) : new V1.Pipeline { Name = entry.Name, DefinitionError = entry.Error ?? "" };

    public static V1.Pipeline ToProto(PipelineDefinition definition) => new()
    {
        Name = definition.Name,
        Description = definition.Description,
        Inputs = { definition.Inputs.Select(ToProto) },
        Steps = { definition.Steps.Select(ToProto) },
        Cache = definition.Cache,
        Digest = definition.Digest,
    };

    private static V1.PipelineInput ToProto(PipelineInputSpec input)
    {
        var proto = new V1.PipelineInput { Name = input.Name, Type = input.Type, Description = input.Description, Required = input.Required };
        if (input.Default is not null)
        {
            proto.DefaultValue = StructMapper.ToValue(input.Default);
        }

        return proto;
    }

    private static V1.PipelineStep ToProto(StepDefinition step) => new()
    {
        Id = step.Id,
        Function = step.Function ?? "",
        Action = step.Action ?? "",
        DependsOn = { step.DependsOn },
        Map = step.Map is not null,
        When = step.When?.ToString() ?? "",
        Retries = step.Retries,
        TimeoutSeconds = step.Timeout is { } timeout ? (int)timeout.TotalSeconds : 0,
        Cache = step.Cache,
    };

    public static V1.PipelineRun ToProto(PipelineRunRecord run) => ToProto(run, withResults: true);

    /// <summary>A run as lists and watches show it: its steps' statuses and keys, without their results.</summary>
    public static V1.PipelineRun ToSummary(PipelineRunRecord run) => ToProto(run, withResults: false);

    private static V1.PipelineRun ToProto(PipelineRunRecord run, bool withResults)
    {
        var proto = new V1.PipelineRun
        {
            Id = run.Id,
            Pipeline = run.Pipeline,
            Status = ToProto(run.Status),
            Inputs = StructMapper.ToStruct(run.Inputs),
            NoCache = run.NoCache,
            PipelineDigest = run.PipelineDigest,
            Steps = { run.Steps.Select(step => ToProto(step, withResults)) },
            CreatedTime = Timestamp.FromDateTimeOffset(run.CreatedAt),
            ErrorCode = run.ErrorCode ?? "",
            ErrorMessage = run.ErrorMessage ?? "",
            TraceId = run.TraceId ?? "",
            Resumes = run.Resumes,
        };
        if (run.EndedAt is { } ended)
        {
            proto.EndTime = Timestamp.FromDateTimeOffset(ended);
        }

        return proto;
    }

    private static V1.StepRun ToProto(StepRunRecord step, bool withResults)
    {
        var proto = new V1.StepRun
        {
            Step = step.Step,
            Function = step.Function ?? "",
            Action = step.Action ?? "",
            Status = ToProto(step.Status),
            CacheKey = step.CacheKey ?? "",
            CacheHit = step.CacheHit,
            CacheSourceRun = step.CacheSourceRun ?? "",
            InvocationId = step.InvocationId ?? "",
            Attempts = step.Attempts,
            Artifacts = { step.Artifacts.ToDictionary() },
            InputArtifacts = { step.InputArtifacts.ToDictionary() },
            ErrorCode = step.ErrorCode ?? "",
            ErrorMessage = step.ErrorMessage ?? "",
            Items = { step.Items.Select(item => ToProto(item, withResults)) },
        };
        if (step.Item is { } item)
        {
            proto.Item = item;
            proto.ItemValue = StructMapper.ToValue(step.ItemValue);
        }

        if (withResults && step.Parameters is { } parameters)
        {
            proto.Parameters = StructMapper.ToStruct(parameters);
        }

        if (withResults && step.Result is { } result)
        {
            proto.Result = StructMapper.ToStruct(result);
        }

        if (step.StartedAt is { } started)
        {
            proto.StartTime = Timestamp.FromDateTimeOffset(started);
        }

        if (step.EndedAt is { } ended)
        {
            proto.EndTime = Timestamp.FromDateTimeOffset(ended);
        }

        return proto;
    }

    public static V1.PipelineEvent ToProto(PipelineEvent item)
    {
        var proto = new V1.PipelineEvent { RunId = item.RunId, Time = Timestamp.FromDateTimeOffset(item.Time), Step = item.Step ?? "" };
        if (item.Item is { } index)
        {
            proto.Item = index;
        }

        switch (item)
        {
            case PipelineRunAccepted accepted:
                proto.Accepted = new V1.PipelineRunAccepted { Pipeline = accepted.Plan.Name, Plan = ToProto(accepted.Plan), Resumed = accepted.Resumed };
                break;
            case StepQueued:
                proto.StepQueued = new V1.StepQueued();
                break;
            case StepStarted started:
                proto.StepStarted = new V1.StepStarted { CacheKey = started.CacheKey, Attempt = started.Attempt, InvocationId = started.InvocationId ?? "" };
                break;
            case StepLog line:
                proto.StepLog = new V1.StepLog { Stream = line.Stream == OutputStream.Stderr ? V1.LogStream.Stderr : V1.LogStream.Stdout, Line = line.Line };
                break;
            case StepCached cached:
                proto.StepCached = new V1.StepCached { CacheKey = cached.CacheKey, CacheSourceRun = cached.SourceRun };
                break;
            case StepCompleted completed:
                proto.StepCompleted = ToProto(completed.Record, withResults: true);
                break;
            case PipelineRunCompleted completed:
                proto.Completed = ToProto(completed.Record);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(item), item.GetType().Name, "unknown pipeline event");
        }

        return proto;
    }

    private static V1.PipelineRunStatus ToProto(PipelineRunStatus status) => status switch
    {
        PipelineRunStatus.Pending => V1.PipelineRunStatus.Pending,
        PipelineRunStatus.Running => V1.PipelineRunStatus.Running,
        PipelineRunStatus.Succeeded => V1.PipelineRunStatus.Succeeded,
        PipelineRunStatus.Failed => V1.PipelineRunStatus.Failed,
        PipelineRunStatus.Cancelled => V1.PipelineRunStatus.Cancelled,
        _ => V1.PipelineRunStatus.Unspecified,
    };

    private static V1.StepStatus ToProto(StepStatus status) => status switch
    {
        StepStatus.Pending => V1.StepStatus.Pending,
        StepStatus.Running => V1.StepStatus.Running,
        StepStatus.Succeeded => V1.StepStatus.Succeeded,
        StepStatus.Failed => V1.StepStatus.Failed,
        StepStatus.Skipped => V1.StepStatus.Skipped,
        StepStatus.Cancelled => V1.StepStatus.Cancelled,
        _ => V1.StepStatus.Unspecified,
    };
}
