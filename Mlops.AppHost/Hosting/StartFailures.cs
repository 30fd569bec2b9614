namespace Mlops.AppHost.Hosting;

public static class StartFailures
{
    /// <summary>
    /// Runs the app until it is stopped (0); when it cannot start — a setting that makes no sense, an image that is
    /// not on the engine — says why in plain words, with nothing started, and returns 1.
    /// </summary>
    public static async Task<int> RunOrSayWhyAsync(this DistributedApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (DistributedApplicationException ex) when (!UnderTestHost)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }

    /// <summary>Started by Aspire.Hosting.Testing, whose host hands the exception to the test that started the app.</summary>
    private static bool UnderTestHost =>
        AppDomain.CurrentDomain.GetAssemblies().Any(assembly => assembly.GetName().Name == "Aspire.Hosting.Testing");

    /// <summary>Stops the app before anything starts, saying why (at the first of Aspire's before-start hooks).</summary>
    public static void FailBeforeStart(this IDistributedApplicationBuilder builder, string message) =>
        builder.OnBeforeStart((_, _) => Task.FromException(new DistributedApplicationException(message)));
}
