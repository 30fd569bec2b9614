namespace Mlops.Testing;

internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string TestFunctions => Path.Combine(Root, "tests", "functions");

    /// <summary>Pipelines made for tests (over tests/functions).</summary>
    public static string TestPipelines => Path.Combine(Root, "tests", "pipelines");

    /// <summary>The project's own pipelines (iris), used in place.</summary>
    public static string Pipelines => Path.Combine(Root, "pipelines");

    /// <summary>The project's own functions (train, predict, ...), used in place.</summary>
    public static string Functions => Path.Combine(Root, "functions");

    /// <summary>The configuration these tests were built in; the AppHost beside them was built in it too.</summary>
    public static string Configuration { get; } =
        typeof(RepositoryPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .OfType<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Debug";

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mlops.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Mlops.sln above {AppContext.BaseDirectory}");
    }
}
