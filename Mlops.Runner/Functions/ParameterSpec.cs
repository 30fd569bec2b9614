using System.Text.Json.Nodes;

namespace Mlops.Runner.Functions;

public enum ParameterType
{
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,

    /// <summary>Any JSON value but null (finite numbers only): for functions that check the shape themselves.</summary>
    Any,
}

/// <summary>One declared parameter and its constraints.</summary>
public sealed record ParameterSpec(
    string Name,
    ParameterType Type,
    string Description,
    bool Required,
    JsonNode? Default,
    double? Minimum,
    double? Maximum,
    IReadOnlyList<JsonNode> AllowedValues,
    int? MinItems,
    int? MaxItems,
    ParameterType? ItemType);
