using System.ComponentModel.DataAnnotations;

namespace Mlops.Runner;

public sealed class RunnerOptions
{
    public const string SectionName = "Runner";

    /// <summary>Folder holding one sub-folder per function. Relative paths start at the content root.</summary>
    [Required]
    public string FunctionsPath { get; set; } = "../functions";

    /// <summary>Folder holding one sub-folder per pipeline (its pipeline.json). Relative paths start at the content root.</summary>
    [Required]
    public string PipelinesPath { get; set; } = "../pipelines";

    /// <summary>Invocation logs, one file per invocation: &lt;function&gt;-&lt;id&gt;.log.</summary>
    [Required]
    public string LogsPath { get; set; } = "../logs";

    /// <summary>Working data: per-invocation input/output folders while they run.</summary>
    [Required]
    public string DataPath { get; set; } = "../data";

    /// <summary>Containers that may run at once; further invocations queue.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentInvocations { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Invocations that may wait for a slot; beyond this they are refused (ResourceExhausted).</summary>
    [Range(0, 100_000)]
    public int MaxQueueLength { get; set; } = 32;

    /// <summary>Invocation logs older than this are deleted (checked at start-up and every hour).</summary>
    [Range(1, 36_500)]
    public int LogRetentionDays { get; set; } = 30;

    /// <summary>What the invocation logs may take together; beyond it the oldest are deleted.</summary>
    [Range(1, 10_000_000)]
    public int LogsMaxMb { get; set; } = 2_048;

    /// <summary>
    /// What downloaded model versions may take in data/model-cache; beyond it the least recently used go, but
    /// never one used in the last ten minutes (endpoints touch theirs every few seconds).
    /// </summary>
    [Range(1, 10_000_000)]
    public int ModelCacheMb { get; set; } = 2_048;

    /// <summary>Free space the disks of DataPath and LogsPath must keep; below it new invocations are refused.</summary>
    [Range(0, 10_000_000)]
    public int MinFreeDiskMb { get; set; } = 500;

    /// <summary>Finished invocations kept for GetInvocation/ListInvocations (data/history); the oldest go first.</summary>
    [Range(1, 1_000_000)]
    public int HistorySize { get; set; } = 5_000;

    /// <summary>What the kept invocations' results may take on disk together; beyond it the oldest invocations go.</summary>
    [Range(1, 1_000_000)]
    public int HistoryResultsMb { get; set; } = 256;

    /// <summary>Hosts that InvokeAsync callbacks may be sent to; none by default.</summary>
    public string[] CallbackHosts { get; set; } = [];

    /// <summary>Whether callbacks may reach loopback (the runner's own machine); off by default.</summary>
    public bool AllowLoopbackCallbacks { get; set; }

    /// <summary>Whether callbacks may reach private networks' addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7); off by default.</summary>
    public bool AllowPrivateCallbacks { get; set; }

    /// <summary>
    /// Distinguishes this runner's containers from another runner's on the same engine; the start-up
    /// reaper removes only containers carrying this name.
    /// </summary>
    [Required, RegularExpression("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$")]
    public string InstanceName { get; set; } = "default";
}
