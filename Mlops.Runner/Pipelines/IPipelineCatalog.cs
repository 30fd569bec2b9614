namespace Mlops.Runner.Pipelines;

/// <summary>
/// The pipelines are the folders under the pipelines path (Runner:PipelinesPath) holding a pipeline.json, read from
/// disk on every call. Reading validates the plan against the functions as they are now.
/// </summary>
public interface IPipelineCatalog
{
    Task<IReadOnlyList<PipelineEntry>> ListAsync(CancellationToken cancellationToken);

    /// <summary>InvalidArgument for a malformed name or a file that does not validate (naming the step and field); NotFound.</summary>
    Task<PipelineDefinition> GetAsync(string? name, CancellationToken cancellationToken);

    /// <summary>
    /// The file as it was when a run began (kept with the run, so a resumed run follows its own plan); the function
    /// checks are made again, against the functions as they are now.
    /// </summary>
    Task<PipelineDefinition> ParseAsync(string name, ReadOnlyMemory<byte> file, CancellationToken cancellationToken);

    /// <summary>The bytes of a pipeline's file as <see cref="GetAsync"/> read them last; NotFound when there is none.</summary>
    Task<ReadOnlyMemory<byte>> ReadFileAsync(string? name, CancellationToken cancellationToken);

    /// <summary>
    /// A run's inputs: the given ones checked against the pipeline's (InvalidArgument naming "inputs.&lt;name&gt;"; an
    /// unknown name is refused), the missing ones defaulted.
    /// </summary>
    System.Text.Json.Nodes.JsonObject BindInputs(PipelineDefinition definition, System.Text.Json.Nodes.JsonObject? given);
}
