using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Mlops.AppHost.Hosting;

/// <summary>A .NET project of this repository, run from its build output (the AppHost's build builds it first).</summary>
public sealed class ProjectResource(string name, string projectName, IConfiguration configuration) : ProcessResource(name, configuration)
{
    public string ProjectName { get; } = projectName;

    internal override ProcessStartInfo Prepare(IReadOnlyDictionary<string, string> environment)
    {
        var projectDirectory = Path.Combine(DistributedApplication.RepositoryRoot, ProjectName);
        var assembly = Path.Combine(projectDirectory, "bin", DistributedApplication.Configuration, "net10.0", ProjectName + ".dll");
        if (!File.Exists(assembly))
        {
            throw new StartException($"{Name}: {assembly} does not exist; build the solution first");
        }

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = projectDirectory };
        info.ArgumentList.Add(assembly);
        return info;
    }
}

public sealed class StartException(string message) : Exception(message);
