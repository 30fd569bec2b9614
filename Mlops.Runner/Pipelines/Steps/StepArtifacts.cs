using Mlops.Runner.Diagnostics;
using Mlops.Runner.Invocations;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// One function step's artifacts: its inputs, held for the step's duration and staged under input/artifacts/&lt;name&gt;/;
/// its outputs (output/artifacts/&lt;name&gt;/, and output/model/ as the artifact "model") stored by digest.
/// </summary>
internal sealed class StepArtifacts(ArtifactStore store, StepWork work, ILogger logger) : IInvocationArtifacts, IDisposable
{
    private readonly ArtifactLease _lease = store.Hold(work.InputArtifacts.Values);
    private readonly Dictionary<string, string> _outputs = new(StringComparer.Ordinal);

    /// <summary>Output artifact name -> digest, once collected.</summary>
    public IReadOnlyDictionary<string, string> Outputs => _outputs;

    public Task StageAsync(string inputDirectory, CancellationToken cancellationToken)
    {
        foreach (var (name, digest) in work.InputArtifacts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!ArtifactName.IsValid(name))
            {
                throw RunnerException.InvalidArgument($"steps.{work.Step.Id}.artifacts.{name}", "an artifact name must match ^[a-z][a-z0-9_]{0,62}$");
            }

            store.Stage(digest, Path.Combine(inputDirectory, ArtifactName.Folder, name));
        }

        return Task.CompletedTask;
    }

    public async Task CollectAsync(string outputDirectory, CancellationToken cancellationToken)
    {
        // What the function left is untrusted: plain folders only, no link followed (its container is gone by now).
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        var artifacts = new DirectoryInfo(Path.Combine(outputDirectory, ArtifactName.Folder));
        if (Plain(artifacts, $"{ArtifactName.Folder}/"))
        {
            foreach (var entry in artifacts.EnumerateFileSystemInfos())
            {
                if (!ArtifactName.IsValid(entry.Name) || !Plain(entry, $"{ArtifactName.Folder}/{entry.Name}"))
                {
                    throw Refused($"it left '{ArtifactName.Folder}/{Bounded.Text(entry.Name, Bounded.NameLength)}', but an artifact is a folder whose name matches ^[a-z][a-z0-9_]{{0,62}}$");
                }

                folders[entry.Name] = entry.FullName;
            }
        }

        var model = new DirectoryInfo(Path.Combine(outputDirectory, ModelBinding.Folder));
        if (Plain(model, $"{ModelBinding.Folder}/") && !folders.TryAdd(ArtifactName.Model, model.FullName))
        {
            throw Refused($"it left both {ModelBinding.Folder}/ and {ArtifactName.Folder}/{ArtifactName.Model}/; the model is the artifact '{ArtifactName.Model}'");
        }

        foreach (var (name, folder) in folders.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var digest = await store.PutAsync(name, folder, _lease, cancellationToken);
            _outputs[name] = digest;
            logger.ArtifactStored(work.RunId, work.Name, name, digest);
        }
    }

    public void Dispose() => _lease.Dispose();

    /// <summary>Whether a plain folder is there; a link or a file where a folder belongs is refused.</summary>
    private bool Plain(FileSystemInfo entry, string shown)
    {
        if (entry.LinkTarget is not null || entry is FileInfo || (entry is DirectoryInfo && File.Exists(entry.FullName)))
        {
            throw Refused($"its output '{Bounded.Text(shown, Bounded.NameLength)}' is not a plain folder");
        }

        return entry.Exists;
    }

    private RunnerException Refused(string why) =>
        new(ErrorKind.FunctionFailed, $"step {work.Name}: the function's artifacts cannot be taken: {why}");
}
