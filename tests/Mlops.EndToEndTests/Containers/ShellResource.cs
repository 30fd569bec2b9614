extern alias apphost;

using System.Diagnostics;
using apphost::Mlops.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace Mlops.EndToEndTests.Containers;

/// <summary>An executable resource for the tests: a shell script, run with the environment the AppHost gives a project.</summary>
internal sealed class ShellResource(string name, string script, IConfiguration configuration) : ProcessResource(name, configuration)
{
    internal override ProcessStartInfo Prepare(IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        return info;
    }
}
