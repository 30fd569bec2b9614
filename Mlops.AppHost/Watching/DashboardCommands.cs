using Grpc.Core;

namespace Mlops.AppHost.Watching;

/// <summary>
/// The commands the dashboard offers on what it mirrors from the runner (endpoints, pipeline runs): shown in the UI
/// and the API, gone while their resource is hidden; each one a call of the runner's API.
/// </summary>
public static class DashboardCommands
{
    public static ResourceCommandAnnotation Command(string name, string displayName, string description, string icon,
        Func<ExecuteCommandContext, Task<ExecuteCommandResult>> execute, IReadOnlyList<InteractionInput>? arguments = null, string? confirmation = null,
        bool highlighted = false, Func<CustomResourceSnapshot, ResourceCommandState>? state = null) =>
        new(name, displayName, context => context.ResourceSnapshot.IsHidden ? ResourceCommandState.Hidden : state?.Invoke(context.ResourceSnapshot) ?? ResourceCommandState.Enabled,
            execute, description, arguments, confirmation, icon, IconVariant.Regular, highlighted, ResourceCommandVisibility.UI | ResourceCommandVisibility.Api, null);

    /// <summary>What the runner said, as the dashboard shows a failed command: its status and message.</summary>
    public static ExecuteCommandResult Refused(RpcException ex) => CommandResults.Failure($"{ex.StatusCode}: {ex.Status.Detail}");
}
