using Mlops.Runner.Diagnostics;

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Runner.Invocations;

/// <summary>
/// The two folders an invocation's container sees: input (read-only: params.json) and output (writable:
/// result.json, error.json, model/). Deleted when the invocation ends.
/// </summary>
public sealed class Workspace : IDisposable
{
    /// <summary>Where workspaces live under the runner's data, one folder per invocation.</summary>
    public const string Folder = "invocations";

    private const UnixFileMode WorldWritable = (UnixFileMode)0b111_111_111;
    private const UnixFileMode WorldReadable = (UnixFileMode)0b111_101_101;
    private const UnixFileMode OwnerOnly = (UnixFileMode)0b111_000_000;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly ILogger _logger;

    private Workspace(string root, ILogger logger)
    {
        Root = root;
        _logger = logger;
    }

    public string Root { get; }

    public string Input => Path.Combine(Root, "input");

    public string Output => Path.Combine(Root, "output");

    public static async Task<Workspace> CreateAsync(string dataDirectory, string invocationId, JsonObject parameters, ILogger logger, CancellationToken cancellationToken)
    {
        var workspace = CreateEmpty(dataDirectory, invocationId, logger);
        try
        {
            await workspace.WriteParametersAsync(parameters, cancellationToken);
            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    /// <summary>The two folders with nothing in them yet: a pooled container's, whose invocation comes later.</summary>
    public static Workspace CreateEmpty(string dataDirectory, string id, ILogger logger)
    {
        var parent = Path.Combine(dataDirectory, Folder);
        var workspace = new Workspace(Path.Combine(parent, id), logger);
        try
        {
            Directory.CreateDirectory(parent);
            if (!OperatingSystem.IsWindows())
            {
                // The output below is writable by anyone, for the function's user; only the runner may get to it.
                File.SetUnixFileMode(parent, OwnerOnly);
            }

            Directory.CreateDirectory(workspace.Input);
            Directory.CreateDirectory(workspace.Output);
            if (!OperatingSystem.IsWindows())
            {
                // The function runs as an unprivileged user that owns neither folder.
                File.SetUnixFileMode(workspace.Root, WorldReadable);
                File.SetUnixFileMode(workspace.Input, WorldReadable);
                File.SetUnixFileMode(workspace.Output, WorldWritable);
            }

            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    /// <summary>The invocation's parameters, as input/params.json.</summary>
    public Task WriteParametersAsync(JsonObject parameters, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(Path.Combine(Input, "params.json"), parameters.ToJsonString(Indented), cancellationToken);

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
        catch (IOException ex)
        {
            _logger.WorkspaceCleanupFailed(ex, Root);
        }
        catch (UnauthorizedAccessException ex)
        {
            _logger.WorkspaceCleanupFailed(ex, Root);
        }
    }
}
