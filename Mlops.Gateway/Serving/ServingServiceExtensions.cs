namespace Mlops.Gateway.Serving;

public static class ServingServiceExtensions
{
    /// <summary>The data plane: the routing table the runner's watch keeps current, the router, the load reports.</summary>
    public static IHostApplicationBuilder AddServing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ServingOptions>().BindConfiguration(ServingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ReplicaDirectory>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplicaDirectory>());
        builder.Services.AddSingleton<ReplicaFaults>();
        builder.Services.AddSingleton<LoadReporter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LoadReporter>());
        builder.Services.AddSingleton<PredictionRouter>();
        return builder;
    }
}
