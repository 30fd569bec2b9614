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
        var parent = Path.Combine(dataDirectory, Folder);
        var workspace = new Workspace(Path.Combine(parent, invocationId), logger);
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

            await File.WriteAllTextAsync(Path.Combine(workspace.Input, "params.json"), parameters.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

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
