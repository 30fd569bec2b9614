using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mlops.Runner.Registry;

/// <summary>
/// The MLmodel file at the root of a model's folder, by which MLflow (its UI, <c>mlflow.models.Model.load</c>)
/// recognises a model: YAML with MLflow's field names, keys sorted as MLflow's own <c>yaml.safe_dump</c> writes
/// them. The writer is our own: the file is a handful of known keys with text values, too little to bring in a
/// YAML library for.
/// </summary>
public static partial class MlmodelFile
{
    public const string FileName = "MLmodel";

    /// <param name="modelUuid">32 lowercase hex digits, as MLflow's <c>uuid4().hex</c>.</param>
    public static string Render(ModelDescription description, string runId, string artifactPath, string modelUuid, DateTimeOffset createdAt)
    {
        var yaml = new StringBuilder();
        Entry(yaml, 0, "artifact_path", artifactPath);
        Mapping(yaml, 0, "flavors", description.Flavors.Count);
        foreach (var (flavor, attributes) in description.Flavors.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            Mapping(yaml, 1, flavor, attributes.Count);
            foreach (var (key, value) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                Entry(yaml, 2, key, value);
            }
        }

        // No mlflow_version: MLflow puts there the version of its own library that wrote the file, and none did;
        // MLflow reads the key as optional.
        Entry(yaml, 0, "model_uuid", modelUuid);
        Entry(yaml, 0, "run_id", runId);
        if (description.Signature is { } signature)
        {
            yaml.Append("signature:\n");
            Entry(yaml, 1, "inputs", Schema(signature.Inputs));
            Entry(yaml, 1, "outputs", Schema(signature.Outputs));
        }

        // MLflow's own form: str() of a naive UTC datetime.
        Entry(yaml, 0, "utc_time_created", createdAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
        return yaml.ToString();
    }

    /// <summary>Text that can be a YAML scalar here: no control, format or line-separator characters, no broken surrogates.</summary>
    public static bool IsPrintable(string text) =>
        text.EnumerateRunes().All(rune => rune != Rune.ReplacementChar && Rune.GetUnicodeCategory(rune) is not (
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned));

    /// <summary>
    /// A column-based schema as MLflow's <c>Schema.to_json</c> writes it: a JSON string inside the YAML. Without
    /// "required": MLflow 2.8 and later take a missing one as true, and older clients refuse the key.
    /// </summary>
    private static string Schema(IReadOnlyList<ModelColumn> columns) =>
        "[" + string.Join(", ", columns.Select(c => $"{{\"name\": \"{JsonEncodedText.Encode(c.Name)}\", \"type\": \"{JsonEncodedText.Encode(c.Type)}\"}}")) + "]";

    private static void Mapping(StringBuilder yaml, int depth, string key, int count) =>
        yaml.Append(' ', depth * 2).Append(Scalar(key)).Append(count == 0 ? ": {}\n" : ":\n");

    private static void Entry(StringBuilder yaml, int depth, string key, string value) =>
        yaml.Append(' ', depth * 2).Append(Scalar(key)).Append(": ").Append(Scalar(value)).Append('\n');

    /// <summary>
    /// Plain when YAML cannot read it as anything but this text (not a number, a date, a boolean or null);
    /// otherwise single-quoted, where the only escape is a doubled quote.
    /// </summary>
    private static string Scalar(string value)
    {
        if (!IsPrintable(value))
        {
            throw new ArgumentException("a YAML scalar here must be printable text", nameof(value));
        }

        var plain = (PlainPattern().IsMatch(value) && !PlainWords().IsMatch(value)) || VersionPattern().IsMatch(value);
        return plain ? value : $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.-]*\z")]
    private static partial Regex PlainPattern();

    /// <summary>Words YAML 1.1 (PyYAML, which MLflow reads with) takes for booleans or null.</summary>
    [GeneratedRegex(@"^(y|yes|n|no|true|false|on|off|null)\z", RegexOptions.IgnoreCase)]
    private static partial Regex PlainWords();

    /// <summary>Three or more dotted numbers ("5.0.1"): never a number or a date in YAML.</summary>
    [GeneratedRegex(@"^[0-9]+(\.[0-9]+){2,}\z")]
    private static partial Regex VersionPattern();
}
