namespace Mlops.AppHost.Hosting;

/// <summary>Where the repository is (the AppHost's project folder is one of its folders) and where the app keeps its data.</summary>
public static class Repository
{
    public static string RepositoryRoot(this IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));

    /// <summary>Where keys.db and secrets/ live for every service (Auth:DataPath), by default the repository's data/.</summary>
    public static string DataPath(this IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(builder.Configuration["Auth:DataPath"] is { Length: > 0 } path ? path : Path.Combine(builder.RepositoryRoot(), "data"));
}
