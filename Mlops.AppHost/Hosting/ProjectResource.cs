using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;

namespace Mlops.AppHost.Hosting;

/// <summary>A .NET project of this repository, run from its build output (the AppHost's build builds it first).</summary>
public sealed class ProjectResource(string name, string projectName, IConfiguration configuration) : ProcessResource(name, configuration)
{
    public string ProjectName { get; } = projectName;

    private bool _native;

    /// <summary>
    /// Runs the project's ahead-of-time compiled executable: its Release publish for this machine, which the
    /// AppHost's build makes (its PublishNativeRunner target), whatever the AppHost's own configuration.
    /// </summary>
    public ProjectResource AsNative()
    {
        _native = true;
        return this;
    }

    internal override ProcessStartInfo Prepare(IReadOnlyDictionary<string, string> environment)
    {
        var projectDirectory = Path.Combine(DistributedApplication.RepositoryRoot, ProjectName);
        var output = _native
            ? Path.Combine(projectDirectory, "bin", "Release", "net10.0", RuntimeInformation.RuntimeIdentifier, "publish", ProjectName)
            : Path.Combine(projectDirectory, "bin", DistributedApplication.Configuration, "net10.0", ProjectName + ".dll");
        if (!File.Exists(output))
        {
            throw new StartException($"{Name}: {output} does not exist; build the AppHost first (dotnet build Mlops.AppHost)");
        }

        if (_native)
        {
            return new ProcessStartInfo(output) { WorkingDirectory = projectDirectory };
        }

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = projectDirectory };
        info.ArgumentList.Add(output);
        return info;
    }
}

public sealed class StartException(string message) : Exception(message);
