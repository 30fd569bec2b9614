namespace Mlops.Gateway;

public static class RunnerClientExtensions
{
    /// <summary>The runner's address as an AppHost passes it (services__runner__grpc__0), or the local default.</summary>
    public const string RunnerAddressKey = "services:runner:grpc:0";
    public const string DefaultRunnerAddress = "http://127.0.0.1:5081";

    public static IHostApplicationBuilder AddRunnerClient(this IHostApplicationBuilder builder)
    {
        var address = builder.Configuration[RunnerAddressKey] is { Length: > 0 } configured ? configured : DefaultRunnerAddress;
        builder.Services.AddGrpcClient<Mlops.V1.Runner.RunnerClient>(options => options.Address = new Uri(address));
        return builder;
    }
}
