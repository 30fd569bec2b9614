using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Mlops.AppHost.Hosting;

/// <summary>A resource the app runs as a child process.</summary>
public abstract class ProcessResource(string name, IConfiguration configuration) : Resource(name, configuration)
{
    /// <summary>Whatever must exist before the process starts, and how to start it.</summary>
    internal abstract ProcessStartInfo Prepare(IReadOnlyDictionary<string, string> environment);
}
