using Microsoft.Extensions.Options;
using Mlops.Runner.Registry.Embedded;
using Mlops.Runner.Registry.Mlflow;

namespace Mlops.Runner.Registry;

public static class RegistryServiceExtensions
{
    /// <summary>MLflow when Tracking:MlflowUri is set, otherwise the embedded registry under the data path.</summary>
    public static IHostApplicationBuilder AddModelRegistry(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TrackingOptions>().BindConfiguration(TrackingOptions.SectionName);
        var mlflow = builder.Configuration[$"{TrackingOptions.SectionName}:{nameof(TrackingOptions.MlflowUri)}"];
        if (!string.IsNullOrWhiteSpace(mlflow))
        {
            if (!Uri.TryCreate(mlflow.TrimEnd('/') + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            {
                throw new OptionsValidationException(TrackingOptions.SectionName, typeof(TrackingOptions), [$"Tracking:MlflowUri '{UriCredentials.Redact(mlflow)}' is not an http(s) URL"]);
            }

            if (address.UserInfo.Length > 0)
            {
                // It would reach every log, status and trace that names the server; credentials belong in a header or a file.
                throw new OptionsValidationException(TrackingOptions.SectionName, typeof(TrackingOptions),
                    [$"Tracking:MlflowUri '{UriCredentials.Redact(mlflow)}' carries credentials (user:password@); give the server's address without them"]);
            }

            // Model uploads can take longer than the standard resilience handler's 10 s attempts allow;
            // this client has its own generous timeout, and no retries (see ServiceDefaults).
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is the supported way to opt one client out.
            services.AddHttpClient<MlflowClient>(http =>
            {
                http.BaseAddress = address;
                http.Timeout = TimeSpan.FromMinutes(10);
            }).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
            services.AddSingleton<IModelRegistry>(sp => new MlflowRegistry(sp.GetRequiredService<MlflowClient>()));
        }
        else
        {
            services.AddSingleton<IModelRegistry>(sp =>
            {
                return new EmbeddedRegistry(Path.Combine(sp.GetRequiredService<IOptions<RunnerOptions>>().Value.DataPath, EmbeddedRegistry.Folder));
            });
        }

        services.AddSingleton<ModelDigests>();
        services.AddSingleton<ModelCache>();
        services.AddSingleton<IRunRecorder, RunRecorder>();
        services.AddSingleton<ModelBinder>();
        services.AddSingleton<TrainingRegistrar>();
        services.AddSingleton<TrainingOutbox>();
        return builder;
    }
}
