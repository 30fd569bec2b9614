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

    /// <summary>Of those, how many may wait for one endpoint (an endpoint at zero must not take every slot).</summary>
    [Range(1, 1_000_000)]
    public int MaxWaitingPerEndpoint { get; set; } = 250;

    /// <summary>Of those, how many one key's predictions may take.</summary>
    [Range(1, 1_000_000)]
    public int MaxWaitingPerKey { get; set; } = 250;

    /// <summary>How long a replica may take to answer one prediction; past it the answer is a 504 and the replica is replaced.</summary>
    [Range(1, 3600)]
    public int PredictTimeoutSeconds { get; set; } = 30;

    /// <summary>The largest answer a replica may send; past it the answer is a 502 and the replica is replaced.</summary>
    [Range(1024, 1L << 30)]
    public long MaxResponseBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>How often the data plane tells the control plane its load.</summary>
    [Range(50, 60_000)]
    public int LoadReportMilliseconds { get; set; } = 500;
}
