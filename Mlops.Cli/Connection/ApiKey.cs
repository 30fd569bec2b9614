namespace Mlops.Cli.Connection;

/// <summary>
/// The key every call carries: <c>MLOPS_API_KEY</c>, else the admin key the AppHost wrote into the repository the
/// CLI is run from (<c>data/secrets/admin.key</c> beside <c>Mlops.sln</c>, found by walking up).
/// </summary>
internal static class ApiKey
{
    public const string EnvironmentVariable = "MLOPS_API_KEY";

    public static readonly string RepositoryKeyPath = Path.Combine("data", "secrets", "admin.key");

    /// <exception cref="CliException">No key can be found; the message says how to give one.</exception>
    public static string Resolve(string? environment, string startDirectory)
    {
        if (!string.IsNullOrWhiteSpace(environment))
        {
            return environment.Trim();
        }

        var repository = FindRepository(startDirectory);
        var file = repository is null ? null : Path.Combine(repository, RepositoryKeyPath);
        if (file is not null && File.Exists(file))
        {
            try
            {
                var key = File.ReadAllText(file).Trim();
                if (key.Length > 0)
                {
                    return key;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot read the admin key {file}: {ex.Message}; set ${EnvironmentVariable} instead");
            }
        }

        var where = file is null
            ? "no Mlops.sln above the current directory"
            : $"{file} does not exist or is empty (the AppHost writes it on its first start)";
        throw new CliException(
            $"no API key: set {EnvironmentVariable} (e.g. export {EnvironmentVariable}=$(cat {RepositoryKeyPath})), " +
            $"or run mlops from inside the repository whose {RepositoryKeyPath} the AppHost wrote ({where})");
    }

    /// <summary>The nearest folder at or above <paramref name="startDirectory"/> that holds Mlops.sln.</summary>
    public static string? FindRepository(string startDirectory)
    {
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mlops.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
