using Docker.DotNet;
using Microsoft.Extensions.Options;
using Mlops.Runner.Capacity;
using Mlops.Runner.Containers;
using Mlops.Runner.Containers.Swarm;
using Mlops.Runner.Diagnostics;
using Mlops.Runner.Endpoints;
using Mlops.Runner.Functions;
using Mlops.Runner.Grpc;
using Mlops.Runner.Images;
using Mlops.Runner.Invocations;
using Mlops.Runner.Invocations.Pooling;
using Mlops.Runner.Keys;
using Mlops.Runner.Pipelines;
using Mlops.Runner.Recovery;
using Mlops.Runner.Registry;
using Mlops.Runner.Reporting;
using Mlops.ServiceDefaults.Security;

namespace Mlops.Runner;

public static class RunnerServiceExtensions
{
    public static IHostApplicationBuilder AddRunner(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RunnerOptions>().BindConfiguration(RunnerOptions.SectionName).ValidateOnStart()
            // Resolved once against the content root: everyone after uses the absolute paths.
            .PostConfigure<IHostEnvironment>((runner, environment) =>
            {
                // An empty path stays empty, for validation to refuse.
                string Resolve(string path) => path.Length == 0 ? path : Path.GetFullPath(Path.Combine(environment.ContentRootPath, path));
                runner.FunctionsPath = Resolve(runner.FunctionsPath);
                runner.PipelinesPath = Resolve(runner.PipelinesPath);
                runner.LogsPath = Resolve(runner.LogsPath);
                runner.DataPath = Resolve(runner.DataPath);
            });
        services.AddOptions<ContainerOptions>().BindConfiguration(ContainerOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<ContainerOptions>, EngineAddressFallback>();
        services.AddOptions<ImageOptions>().BindConfiguration(ImageOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RunnerOptions>, RunnerOptionsValidator>();
        services.AddSingleton<IValidateOptions<ContainerOptions>, ContainerOptionsValidator>();
        services.AddSingleton<IValidateOptions<ImageOptions>, ImageOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        // Long enough for running trainings to be stopped and torn down, or kept in the outbox, before the process ends.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(60));
        // Keys live with the rest of the runner's data unless Auth:DataPath says otherwise.
        builder.AddApiKeyAuthentication(builder.Configuration[$"{RunnerOptions.SectionName}:{nameof(RunnerOptions.DataPath)}"] ?? new RunnerOptions().DataPath);
        services.AddHostedService<KeyBootstrap>();
        // Its files go once the janitor's first sweep has stopped the containers that could still write there.
        services.AddSingleton<FirstSweep>();
        services.AddHostedService<CrashLeftovers>();
        builder.AddKeyRateLimits();
        services.AddSingleton<IDockerClient>(sp => DockerClientFactory.Create(sp.GetRequiredService<IOptions<ContainerOptions>>().Value));

        services.AddSingleton<FunctionCatalog>();
        services.AddSingleton<BaseImages>();
        services.AddSingleton<ImagePruner>();
        services.AddSingleton<ImageBuilder>();
        services.AddSingleton<ImageService>();
        services.AddSingleton<IImageResolver>(sp => sp.GetRequiredService<ImageService>());

        services.AddSingleton<DockerContainerEngine>();
        services.AddSwarmBackend();
        services.AddSingleton<IContainerEngine>(sp => sp.GetRequiredService<IOptions<ContainerOptions>>().Value.Backend == ContainerBackend.Swarm
            ? sp.GetRequiredService<SwarmContainerEngine>()
            : sp.GetRequiredService<DockerContainerEngine>());
        services.AddSingleton<LiveContainers>();
        services.AddSingleton<IFunctionRuntime, FunctionRuntime>();
        services.AddHostedService<ContainerJanitor>();
        services.AddOptions<PoolOptions>().BindConfiguration(PoolOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PoolOptions>, PoolOptionsValidator>();
        // After the janitor: its first sweep removes a dead runner's pooled containers before new ones start.
        services.AddSingleton<WarmPool>();
        services.AddHostedService(sp => sp.GetRequiredService<WarmPool>());

        services.AddCapacity();
        services.AddSingleton<AdmissionGate>();
        services.AddSingleton<DiskGuard>();
        services.AddSingleton<InvocationStore>();
        services.AddSingleton<InvocationJournal>();
        services.AddSingleton<Workspaces>();
        services.AddSingleton<DetachedInvocations>();
        services.AddHostedService(sp => sp.GetRequiredService<DetachedInvocations>());
        services.AddSingleton<InvocationFeeds>();
        services.AddSingleton<InvocationWatch>();
        services.AddSingleton<InvocationCallbacks>();
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers: a callback is POSTed once, never retried.
        services.AddHttpClient(InvocationCallbacks.ClientName).RemoveAllResilienceHandlers()
            .ConfigurePrimaryHttpMessageHandler(sp => CallbackAddresses.CreateHandler(sp.GetRequiredService<IOptions<RunnerOptions>>().Value));
#pragma warning restore EXTEXP0001
        services.AddSingleton<InvocationAdmission>();
        services.AddSingleton<InvocationPreparation>();
        services.AddSingleton<InvocationContainers>();
        services.AddSingleton<InvocationCompletion>();
        services.AddSingleton<InvocationConductor>();
        services.AddSingleton<StatusReporter>();
        services.AddSingleton<ModelVersions>();
        // After the detached runs' host and the janitor: what an earlier runner accepted and never started runs now.
        services.AddHostedService<QueuedInvocations>();
        services.AddHostedService<LogRetention>();
        services.AddHostedService<OutboxDelivery>();
        services.AddHostedService<StartupMemoryRelease>();

        // After the janitor: its start-up sweep removes the replicas of a previous run before these start new ones.
        services.AddSingleton<EndpointStore>();
        services.AddSingleton<EndpointEvents>();
        services.AddSingleton<ReplicaPlanner>();
        services.AddSingleton<EndpointManager>();
        services.AddHostedService(sp => sp.GetRequiredService<EndpointManager>());
        builder.AddModelRegistry();
        // After the endpoints: a resumed run may deploy; stopped first, it leaves its runs Running, to resume.
        services.AddPipelineCatalog();
        services.AddPipelineSteps();
        services.AddPipelineRuns();

        services.AddGrpc(grpc => grpc.Interceptors.Add<ErrorInterceptor>());
        // grpcurl and other clients can list and describe the services without the protos.
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks().AddCheck<DockerHealthCheck>("docker");
        return builder;
    }
}
