using System.ComponentModel.DataAnnotations;

namespace Mlops.Gateway.Serving;

public sealed class ServingOptions
{
    public const string SectionName = "Serving";

    /// <summary>How long a prediction may wait for a ready replica (a start from zero included) before a 503.</summary>
    [Range(1, 600)]
    public int WaitSeconds { get; set; } = 30;

    /// <summary>Predictions that may wait at once; beyond that they are refused with 429.</summary>
    [Range(0, 1_000_000)]
    public int MaxWaiting { get; set; } = 1000;

    /// <summary>How often the data plane tells the control plane its load.</summary>
    [Range(50, 60_000)]
    public int LoadReportMilliseconds { get; set; } = 500;
}
