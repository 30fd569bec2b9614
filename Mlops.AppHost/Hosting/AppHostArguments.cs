namespace Mlops.AppHost.Hosting;

/// <summary>
/// The AppHost's command line in the words users know, spelled as the settings they stand for: <c>--mlflow</c> is
/// <c>--Tracking:Mode=container</c>, and <c>publish [--output DIR]</c> is Aspire's publish operation.
/// </summary>
public static class AppHostArguments
{
    public const string MlflowSwitch = "--mlflow";

    public static string[] Expand(string[] args)
    {
        var expanded = args.Select(a => a == MlflowSwitch ? $"--{Tracking.ModeKey}={Tracking.Container}" : a).ToList();
        if (expanded is ["publish", ..])
        {
            expanded.RemoveAt(0);
            var output = expanded.IndexOf("--output");
            if (output >= 0)
            {
                expanded[output] = "--output-path";
            }
            else if (!expanded.Contains("--output-path"))
            {
                expanded.AddRange(["--output-path", "publish"]);
            }

            expanded.InsertRange(0, ["--operation", "publish", "--step", Publishing.ComposePublishing.StepName]);
        }

        return [.. expanded];
    }
}
