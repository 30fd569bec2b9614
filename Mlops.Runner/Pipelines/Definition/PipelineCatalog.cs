using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// The pipelines are the folders under Runner:PipelinesPath holding a pipeline.json (names as functions' are). The disk
/// is read on every call, as for functions: adding or changing a pipeline takes effect without a restart.
/// </summary>
public sealed class PipelineCatalog(IOptions<RunnerOptions> options, FunctionCatalog functions) : IPipelineCatalog
{
    private const int MaxFileBytes = 1024 * 1024;

    // What GetAsync read last, by name: the bytes a run keeps are those of the plan it was given.
    private readonly ConcurrentDictionary<string, byte[]> _lastRead = new(StringComparer.Ordinal);

    public string Root { get; } = options.Value.PipelinesPath;

    public async Task<IReadOnlyList<PipelineEntry>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var entries = new List<PipelineEntry>();
        foreach (var name in Directory.EnumerateDirectories(Root).Select(Path.GetFileName).Where(FunctionName.IsValid).Order(StringComparer.Ordinal))
        {
            PipelineEntry entry;
            try
            {
                // A folder without a pipeline.json is not a pipeline (yet); one removed meanwhile is gone.
                if (await ReadAsync(name!, cancellationToken) is not { } file)
                {
                    continue;
                }

                entry = new PipelineEntry(name!, await ParseAsync(name!, file, cancellationToken), null);
            }
            catch (RunnerException ex) when (ex.Kind is ErrorKind.InvalidArgument or ErrorKind.FailedPrecondition)
            {
                entry = new PipelineEntry(name!, null, ex.Message);
            }

            entries.Add(entry);
        }

        return entries;
    }

    public async Task<PipelineDefinition> GetAsync(string? name, CancellationToken cancellationToken)
    {
        var valid = FunctionName.Validate(name, "pipeline");
        var file = await ReadAsync(valid, cancellationToken) ?? throw NotFound(valid);
        var definition = await ParseAsync(valid, file, cancellationToken);
        _lastRead[valid] = file;
        return definition;
    }

    public Task<PipelineDefinition> ParseAsync(string name, ReadOnlyMemory<byte> file, CancellationToken cancellationToken)
    {
        var valid = FunctionName.Validate(name, "pipeline");
        return file.Length > MaxFileBytes
            ? throw RunnerException.InvalidArgument(PipelineDefinition.FileName, $"larger than {MaxFileBytes} bytes")
            : PipelineReader.ReadAsync(valid, file, functions.GetAsync, cancellationToken);
    }

    public async Task<ReadOnlyMemory<byte>> ReadFileAsync(string? name, CancellationToken cancellationToken)
    {
        var valid = FunctionName.Validate(name, "pipeline");
        return _lastRead.TryGetValue(valid, out var file) ? file : await ReadAsync(valid, cancellationToken) ?? throw NotFound(valid);
    }

    public JsonObject BindInputs(PipelineDefinition definition, JsonObject? given) => InputBinder.Bind(definition, given);

    /// <summary>The file's bytes; null when there is none.</summary>
    private async Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await UntrustedFile.ReadAllBytesAsync(Path.Combine(Root, name, PipelineDefinition.FileName), MaxFileBytes, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw RunnerException.FailedPrecondition($"pipeline '{name}': its {PipelineDefinition.FileName} {ex.Message}");
        }
    }

    private static RunnerException NotFound(string name) => RunnerException.NotFound($"pipeline '{name}' does not exist");
}
