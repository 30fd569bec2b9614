using System.Text.Json.Nodes;
using Mlops.Runner.Functions;

namespace Mlops.Runner.Tests;

public sealed class ParameterValidatorTests
{
    private static readonly FunctionManifest Manifest = ManifestReader.Parse("train", "/functions/train", """
        {
          "parameters": {
            "n_estimators": { "type": "integer", "default": 100, "minimum": 1, "maximum": 1000 },
            "test_size": { "type": "number", "default": 0.2, "minimum": 0.01, "maximum": 0.99 },
            "criterion": { "type": "string", "enum": ["gini", "entropy"] },
            "features": { "type": "array", "items": "number", "minItems": 4, "maxItems": 4 },
            "verbose": { "type": "boolean" },
            "model_name": { "type": "string", "required": true }
          }
        }
        """);

    [Fact]
    public void Validate_OmittedParameters_GetTheirDefaults()
    {
        var result = ParameterValidator.Validate(Manifest, Parse("""{"model_name": "iris"}"""));

        Assert.Equal(100, result["n_estimators"]!.GetValue<long>());
        Assert.Equal(0.2, result["test_size"]!.GetValue<double>());
        Assert.False(result.ContainsKey("criterion"));
    }

    [Fact]
    public void Validate_IntegerSentAsDouble_IsAcceptedAsInteger()
    {
        var result = ParameterValidator.Validate(Manifest, new JsonObject { ["n_estimators"] = 5.0, ["model_name"] = "m" });

        Assert.Equal(5L, result["n_estimators"]!.GetValue<long>());
    }

    [Fact]
    public void Validate_ExplicitNull_MeansNotGiven()
    {
        var result = ParameterValidator.Validate(Manifest, Parse("""{"n_estimators": null, "model_name": "m"}"""));

        Assert.Equal(100, result["n_estimators"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("""{"model_name": "m", "n_estimators": 2.5}""", "parameters.n_estimators", "must be an integer (got 2.5)")]
    [InlineData("""{"model_name": "m", "n_estimators": 0}""", "parameters.n_estimators", "must be >= 1 (got 0)")]
    [InlineData("""{"model_name": "m", "test_size": 1}""", "parameters.test_size", "must be <= 0.99 (got 1)")]
    [InlineData("""{"model_name": "m", "criterion": "mse"}""", "parameters.criterion", "must be one of \"gini\", \"entropy\"")]
    [InlineData("""{"model_name": "m", "features": [1, 2, 3]}""", "parameters.features", "must have at least 4 item(s) (got 3)")]
    [InlineData("""{"model_name": "m", "features": [1, 2, 3, 4, 5]}""", "parameters.features", "must have at most 4 item(s) (got 5)")]
    [InlineData("""{"model_name": "m", "features": [1, null, 3, 4]}""", "parameters.features[1]", "must not be null")]
    [InlineData("""{"model_name": "m", "features": [1, 2, true, 4]}""", "parameters.features[2]", "must be a number (got a boolean)")]
    [InlineData("""{"model_name": "m", "verbose": "yes"}""", "parameters.verbose", "must be a boolean (got a string)")]
    [InlineData("""{"model_name": 7}""", "parameters.model_name", "must be a string (got a number)")]
    [InlineData("""{}""", "parameters.model_name", "is required")]
    public void Validate_BadValue_NamesTheFieldAndTheProblem(string json, string field, string description)
    {
        var error = Assert.Throws<RunnerException>(() => ParameterValidator.Validate(Manifest, Parse(json)));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        var violation = Assert.Single(error.Violations);
        Assert.Equal(field, violation.Field);
        Assert.Equal(description, violation.Description);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEachOnce()
    {
        var error = Assert.Throws<RunnerException>(() => ParameterValidator.Validate(Manifest, Parse("""{"n_estimators": -1, "typo": 1}""")));

        Assert.Equal(["parameters.typo", "parameters.n_estimators", "parameters.model_name"], error.Violations.Select(v => v.Field));
        Assert.Contains("expected one of: n_estimators, test_size", error.Violations[0].Description);
    }

    [Fact]
    public void Validate_NonFiniteNumber_IsRejected()
    {
        var error = Assert.Throws<RunnerException>(() =>
            ParameterValidator.Validate(Manifest, new JsonObject { ["test_size"] = double.NaN, ["model_name"] = "m" }));

        Assert.Equal("must be a finite number", Assert.Single(error.Violations).Description);
    }

    [Fact]
    public void Validate_NonFiniteInteger_IsRejectedWithoutCrashing()
    {
        var error = Assert.Throws<RunnerException>(() =>
            ParameterValidator.Validate(Manifest, new JsonObject { ["n_estimators"] = double.PositiveInfinity, ["model_name"] = "m" }));

        Assert.Equal("must be an integer (got Infinity)", Assert.Single(error.Violations).Description);
    }

    [Fact]
    public void Validate_NonFiniteNumberNestedInAnObject_IsRejected()
    {
        var manifest = ManifestReader.Parse("f", "/f", """{"parameters": {"options": {"type": "object"}, "rows": {"type": "array"}}}""");

        var error = Assert.Throws<RunnerException>(() => ParameterValidator.Validate(manifest, new JsonObject
        {
            ["options"] = new JsonObject { ["weights"] = new JsonArray(1.0, double.NaN) },
            ["rows"] = new JsonArray(new JsonArray(double.NegativeInfinity)),
        }));

        Assert.Equal(
            ["must hold only finite numbers (not at .weights[1])", "must hold only finite numbers (not at [0][0])"],
            error.Violations.Select(v => v.Description));
    }

    [Fact]
    public void Validate_IntegerDefaultWrittenAsDecimal_IsPassedAsAnInteger()
    {
        var manifest = ManifestReader.Parse("f", "/f", """{"parameters": {"seed": {"type": "integer", "default": 42.0}}}""");

        var result = ParameterValidator.Validate(manifest, null);

        Assert.Equal("{\"seed\":42}", result.ToJsonString());
    }

    [Fact]
    public void Validate_FunctionWithoutParameters_RejectsAnyParameter()
    {
        var bare = ManifestReader.Parse("hello", "/f/hello", "{}");

        var error = Assert.Throws<RunnerException>(() => ParameterValidator.Validate(bare, Parse("""{"x": 1}""")));

        Assert.Equal("unknown parameter; this function takes no parameters", Assert.Single(error.Violations).Description);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
