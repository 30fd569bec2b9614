using Mlops.Functions.Parameters;

namespace Mlops.Functions.Tests;

public sealed class FunctionParametersTests
{
    private const string Manifest = """
        {
          "description": "a test function", // comments and unknown top-level keys are the runner's to judge
          "parameters": {
            "n_estimators": { "type": "integer", "default": 100, "minimum": 1, "maximum": 2000 },
            "max_depth": { "type": "integer", "minimum": 1, "maximum": 12 },
            "test_size": { "type": "number", "default": 0.2, "minimum": 0.05, "maximum": 0.95 },
            "model_name": { "type": "string", "default": "iris_model" },
            "criterion": { "type": "string", "enum": ["gini", "entropy"] },
            "verbose": { "type": "boolean", "default": false },
            "features": { "type": "array", "items": "number", "minItems": 2, "maxItems": 3 },
            "target": { "type": "string", "required": true }
          }
        }
        """;

    [Fact]
    public void Load_NothingGiven_TakesTheManifestsDefaults()
    {
        using var function = new TempFunction(Manifest, """{"target": "y"}""");

        var parameters = Load(function);

        Assert.Equal(100, parameters.GetInt32("n_estimators"));
        Assert.Equal(0.2, parameters.GetDouble("test_size"));
        Assert.Equal("iris_model", parameters.GetString("model_name"));
        Assert.False(parameters.GetBoolean("verbose"));
        Assert.Null(parameters.GetInt32OrNull("max_depth"));
        Assert.False(parameters.Contains("criterion"));
    }

    [Fact]
    public void Load_ValuesGiven_ReadsThemTyped()
    {
        using var function = new TempFunction(Manifest, """{"target": "y", "n_estimators": 7.0, "max_depth": 3, "criterion": "gini", "features": [1, 2.5], "verbose": true}""");

        var parameters = Load(function);

        Assert.Equal(7, parameters.GetInt32("n_estimators"));
        Assert.Equal(3, parameters.GetInt32OrNull("max_depth"));
        Assert.Equal("gini", parameters.GetString("criterion"));
        Assert.True(parameters.GetBoolean("verbose"));
        Assert.Equal("[1,2.5]", parameters.Get("features")!.ToJsonString());
        Assert.Equal("y", parameters.ToJson()["target"]!.GetValue<string>());
    }

    [Fact]
    public void Load_NoParamsFile_IsNoParametersGiven()
    {
        using var function = new TempFunction("""{"parameters": {"seed": {"type": "integer", "default": 42}}}""");

        Assert.Equal(42, Load(function).GetInt32("seed"));
    }

    [Theory]
    [InlineData("""{"target": "y", "n_estimators": 5000}""", "parameters.n_estimators: must be <= 2000 (got 5000)")]
    [InlineData("""{"target": "y", "n_estimators": 0}""", "parameters.n_estimators: must be >= 1 (got 0)")]
    [InlineData("""{"target": "y", "n_estimators": 2.5}""", "parameters.n_estimators: must be an integer (got 2.5)")]
    [InlineData("""{"target": "y", "test_size": "big"}""", "parameters.test_size: must be a number (got \"big\")")]
    [InlineData("""{"target": "y", "verbose": 1}""", "parameters.verbose: must be a boolean (got 1)")]
    [InlineData("""{"target": "y", "criterion": "log"}""", "parameters.criterion: must be one of [\"gini\",\"entropy\"]")]
    [InlineData("""{"target": "y", "features": [1]}""", "parameters.features: must have 2 to 3 items (got 1)")]
    [InlineData("""{"target": "y", "features": [1, "two"]}""", "parameters.features[1]: must be a number")]
    [InlineData("""{"target": "y", "trees": 3}""", "parameters.trees: unknown parameter; expected one of: n_estimators, max_depth")]
    [InlineData("""{}""", "parameters.target: is required")]
    public void Load_ValueBreaksTheManifest_IsRefusedNamingTheParameter(string given, string expected)
    {
        using var function = new TempFunction(Manifest, given);

        var error = Assert.Throws<FunctionError>(() => Load(function));

        Assert.Equal("INVALID_ARGUMENT", error.Code);
        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void Load_SeveralProblems_NamesEachOne()
    {
        using var function = new TempFunction(Manifest, """{"target": 1, "max_depth": 99}""");

        var error = Assert.Throws<FunctionError>(() => Load(function));

        Assert.Contains("parameters.max_depth: must be <= 12 (got 99)", error.Message);
        Assert.Contains("parameters.target: must be a string (got 1)", error.Message);
    }

    [Fact]
    public void Load_NoManifest_FailsSayingWhereItLooked()
    {
        using var function = new TempFunction(manifest: null, parameters: "{}");

        var error = Assert.Throws<InvalidOperationException>(() => Load(function));

        Assert.Contains(function.Paths.Manifest, error.Message);
    }

    [Fact]
    public void GetInt32_UndeclaredName_FailsAsTheFunctionsBug()
    {
        using var function = new TempFunction(Manifest, """{"target": "y"}""");

        var error = Assert.Throws<InvalidOperationException>(() => Load(function).GetInt32("n_estimator"));

        Assert.Contains("declares no parameter 'n_estimator'", error.Message);
    }

    private static FunctionParameters Load(TempFunction function) =>
        FunctionParameters.Load(Path.Combine(function.Paths.Input, "params.json"), function.Paths.Manifest);
}
