using System.Text.Json.Nodes;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Tests.Registry;

public sealed class MlmodelFileTests
{
    private const string RunId = "0123456789abcdef0123456789abcdef";
    private const string Uuid = "e694c68eba484299976b06ab9058f636";
    private static readonly DateTimeOffset Created = new DateTimeOffset(2026, 12, 4, 10, 15, 30, TimeSpan.Zero).AddTicks(1_234_560);

    /// <summary>What functions/train writes to model/mlflow.json.</summary>
    private static readonly ModelDescription Iris = ModelDescription.Parse("""
        {
          "flavors": {"mlnet": {"data": "model.zip", "mlnet_version": "5.0.1"}},
          "signature": {
            "inputs": [{"name": "sepal_length", "type": "float"}, {"name": "sepal_width", "type": "float"},
                       {"name": "petal_length", "type": "float"}, {"name": "petal_width", "type": "float"}],
            "outputs": [{"name": "setosa", "type": "double"}, {"name": "versicolor", "type": "double"}, {"name": "virginica", "type": "double"}]
          }
        }
        """);

    [Fact]
    public void Render_TheIrisModel_IsMlflowsYamlWithSortedKeys()
    {
        var yaml = MlmodelFile.Render(Iris, RunId, "model", Uuid, Created);

        Assert.Equal("""
            artifact_path: model
            flavors:
              mlnet:
                data: model.zip
                mlnet_version: 5.0.1
            model_uuid: e694c68eba484299976b06ab9058f636
            run_id: '0123456789abcdef0123456789abcdef'
            signature:
              inputs: '[{"name": "sepal_length", "type": "float"}, {"name": "sepal_width", "type": "float"}, {"name": "petal_length", "type": "float"}, {"name": "petal_width", "type": "float"}]'
              outputs: '[{"name": "setosa", "type": "double"}, {"name": "versicolor", "type": "double"}, {"name": "virginica", "type": "double"}]'
            utc_time_created: '2026-12-04 10:15:30.123456'

            """.ReplaceLineEndings("\n"), yaml);
    }

    [Fact]
    public void Render_ReadsBackAsYaml_WithMlflowsKeys_AndSchemasThatAreMlflowsJson()
    {
        var mlmodel = TinyYaml.Parse(MlmodelFile.Render(Iris, RunId, "model", Uuid, Created));

        Assert.Equal(["artifact_path", "flavors", "model_uuid", "run_id", "signature", "utc_time_created"], mlmodel.Keys);
        Assert.Equal(RunId, mlmodel["run_id"]);
        var flavor = Assert.IsType<Dictionary<string, object>>(Assert.IsType<Dictionary<string, object>>(mlmodel["flavors"])["mlnet"]);
        Assert.Equal(("model.zip", "5.0.1"), (flavor["data"], flavor["mlnet_version"]));
        var signature = Assert.IsType<Dictionary<string, object>>(mlmodel["signature"]);
        var inputs = JsonNode.Parse((string)signature["inputs"])!.AsArray();
        var outputs = JsonNode.Parse((string)signature["outputs"])!.AsArray();
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], inputs.Select(c => c!["name"]!.GetValue<string>()));
        Assert.All(inputs, c => Assert.Equal("float", c!["type"]!.GetValue<string>()));
        Assert.Equal(["setosa", "versicolor", "virginica"], outputs.Select(c => c!["name"]!.GetValue<string>()));
        Assert.All(outputs, c => Assert.Equal("double", c!["type"]!.GetValue<string>()));
    }

    [Fact]
    public void Render_WithoutADescription_HasNoFlavorAndNoSignature()
    {
        var yaml = MlmodelFile.Render(ModelDescription.None, RunId, "model", Uuid, Created);

        Assert.Contains("\nflavors: {}\n", yaml);
        Assert.DoesNotContain("signature", yaml);
        Assert.Empty(Assert.IsType<Dictionary<string, object>>(TinyYaml.Parse(yaml)["flavors"]));
    }

    [Theory]
    [InlineData("model.zip", "model.zip")]
    [InlineData("5.0.1", "5.0.1")]
    [InlineData("1.5", "'1.5'")]
    [InlineData("2026-12-04", "'2026-12-04'")]
    [InlineData("0x1F", "'0x1F'")]
    [InlineData("yes", "'yes'")]
    [InlineData("Off", "'Off'")]
    [InlineData("null", "'null'")]
    [InlineData("#comment", "'#comment'")]
    [InlineData("a: b", "'a: b'")]
    [InlineData("it's", "'it''s'")]
    [InlineData("Iris-setosa (cm)", "'Iris-setosa (cm)'")]
    public void Render_TextYamlWouldReadAsSomethingElse_IsQuoted(string value, string expected)
    {
        var description = new ModelDescription(
            new Dictionary<string, IReadOnlyDictionary<string, string>> { ["custom"] = new Dictionary<string, string> { ["value"] = value } }, null);

        var yaml = MlmodelFile.Render(description, RunId, "model", Uuid, Created);

        Assert.Contains($"\n    value: {expected}\n", yaml);
        Assert.Equal(value, ((Dictionary<string, object>)((Dictionary<string, object>)TinyYaml.Parse(yaml)["flavors"])["custom"])["value"]);
    }

    [Fact]
    public void Render_AColumnNameJsonMustEscape_StaysValidJsonInsideTheYaml()
    {
        var description = ModelDescription.Parse("""{"signature": {"inputs": [{"name": "width \"cm\" ü's", "type": "float"}], "outputs": [{"name": "p", "type": "double"}]}}""");

        var signature = (Dictionary<string, object>)TinyYaml.Parse(MlmodelFile.Render(description, RunId, "model", Uuid, Created))["signature"];

        Assert.Equal("width \"cm\" ü's", JsonNode.Parse((string)signature["inputs"])![0]!["name"]!.GetValue<string>());
    }

    /// <summary>
    /// Reads the block-mapping YAML the MLmodel writer emits (two-space indents; plain, single-quoted and {}
    /// values) and refuses any other line, so that a test fails on output outside that subset.
    /// </summary>
    private static class TinyYaml
    {
        public static Dictionary<string, object> Parse(string yaml)
        {
            var root = new Dictionary<string, object>(StringComparer.Ordinal);
            var open = new List<Dictionary<string, object>> { root };
            foreach (var line in yaml.Split('\n').Where(l => l.Length > 0))
            {
                var depth = (line.Length - line.TrimStart(' ').Length) / 2;
                Assert.True(depth < open.Count && line[..(depth * 2)].Trim().Length == 0 && line[depth * 2] != ' ', $"bad indent: {line}");
                open.RemoveRange(depth + 1, open.Count - depth - 1);
                var text = line[(depth * 2)..];
                var colon = text.StartsWith('\'') ? text.IndexOf("': ", StringComparison.Ordinal) + 1 : text.IndexOf(':');
                Assert.True(colon > 0, $"no key: {line}");
                var key = Scalar(text[..colon]);
                var rest = text[(colon + 1)..];
                Assert.False(open[depth].ContainsKey(key), $"key twice: {key}");
                if (rest.Length == 0 || rest == " {}")
                {
                    var child = new Dictionary<string, object>(StringComparer.Ordinal);
                    open[depth][key] = child;
                    if (rest.Length == 0)
                    {
                        open.Add(child);
                    }
                }
                else
                {
                    Assert.StartsWith(" ", rest);
                    open[depth][key] = Scalar(rest[1..]);
                }
            }

            return root;
        }

        private static string Scalar(string text)
        {
            if (text.StartsWith('\''))
            {
                Assert.True(text.Length >= 2 && text.EndsWith('\''), $"unclosed quote: {text}");
                var inner = text[1..^1];
                Assert.DoesNotContain("'", inner.Replace("''", "", StringComparison.Ordinal));
                return inner.Replace("''", "'");
            }

            Assert.Matches(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*$", text);
            return text;
        }
    }
}
