using Google.Protobuf.WellKnownTypes;
using Mlops.Runner.Registry;
using V1 = Mlops.V1;

namespace Mlops.Runner.Grpc;

/// <summary>Registry records -> wire messages.</summary>
internal static class RegistryMapper
{
    public static V1.RegisteredModel ToProto(RegisteredModel model)
    {
        var message = new V1.RegisteredModel
        {
            Name = model.Name,
            CreatedTime = Timestamp.FromDateTimeOffset(model.CreatedAt),
            UpdatedTime = Timestamp.FromDateTimeOffset(model.UpdatedAt),
            LatestVersion = model.LatestVersion,
        };
        message.Aliases.Add(model.Aliases.ToDictionary());
        return message;
    }

    public static V1.ModelVersion ToProto(ModelVersions.WithMetrics listed)
    {
        var (version, metrics) = listed;
        var message = new V1.ModelVersion
        {
            Name = version.Name,
            Version = version.Version,
            RunId = version.RunId,
            CreatedTime = Timestamp.FromDateTimeOffset(version.CreatedAt),
            ModelUri = version.Uri,
        };
        message.Aliases.AddRange(version.Aliases);
        message.Metrics.Add(metrics.ToDictionary());
        return message;
    }

    public static V1.Run ToProto(TrackedRun run, IReadOnlyList<string> artifacts)
    {
        var message = new V1.Run
        {
            Id = run.Id,
            Experiment = run.Experiment,
            Name = run.Name,
            Status = run.Status switch
            {
                RunStatus.Running => V1.RunStatus.Running,
                RunStatus.Finished => V1.RunStatus.Finished,
                RunStatus.Failed => V1.RunStatus.Failed,
                RunStatus.Killed => V1.RunStatus.Killed,
                _ => V1.RunStatus.Unspecified,
            },
            StartTime = Timestamp.FromDateTimeOffset(run.StartTime),
        };
        if (run.EndTime is { } end)
        {
            message.EndTime = Timestamp.FromDateTimeOffset(end);
        }

        message.Params.Add(run.Params.ToDictionary());
        message.Metrics.Add(run.Metrics.ToDictionary());
        message.Tags.Add(run.Tags.ToDictionary());
        message.Artifacts.AddRange(artifacts);
        return message;
    }
}
