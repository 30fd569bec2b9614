namespace Mlops.Runner.Registry;

public sealed class TrackingOptions
{
    public const string SectionName = "Tracking";

    /// <summary>An MLflow tracking server (e.g. http://127.0.0.1:5000); empty: the embedded registry under the data path.</summary>
    public string? MlflowUri { get; set; }
}
