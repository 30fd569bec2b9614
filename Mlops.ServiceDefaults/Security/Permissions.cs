using Mlops.Keys;

namespace Mlops.ServiceDefaults.Security;

/// <summary>Authorization policy names; each lists the roles that hold it.</summary>
public static class Permissions
{
    /// <summary>Lists and gets: functions, invocations, models, runs, endpoints, /debug.</summary>
    public const string Read = "read";

    /// <summary>Online predictions on a served endpoint, in any protocol.</summary>
    public const string Predict = "predict";

    /// <summary>Running functions (train and predict) and their results.</summary>
    public const string Invoke = "invoke";

    /// <summary>Creating endpoints, and changing or deleting them: a developer those their key created, an admin any (the runner checks whose).</summary>
    public const string Deploy = "deploy";

    /// <summary>Keys, explicit builds, model aliases, other keys' endpoints, MLflow's own UI and API.</summary>
    public const string Admin = "admin";

    /// <summary>What only the gateway does: report the load it routes.</summary>
    public const string Service = "service";

    public static readonly IReadOnlyDictionary<string, string[]> RolesFor = new Dictionary<string, string[]>
    {
        [Read] = [Roles.Admin, Roles.Developer, Roles.Viewer, Roles.Service],
        [Predict] = [Roles.Admin, Roles.Developer, Roles.Predictor],
        [Invoke] = [Roles.Admin, Roles.Developer],
        [Deploy] = [Roles.Admin, Roles.Developer],
        [Admin] = [Roles.Admin],
        [Service] = [Roles.Service],
    };
}
