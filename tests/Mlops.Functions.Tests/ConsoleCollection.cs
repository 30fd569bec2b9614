namespace Mlops.Functions.Tests;

/// <summary>Tests that capture the console or set the process's environment, run alone after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console and environment";
}
