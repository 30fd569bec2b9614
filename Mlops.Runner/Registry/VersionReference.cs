using System.Globalization;

namespace Mlops.Runner.Registry;

/// <summary>How predict names a model version: "latest" (or nothing), a number, "@alias", or "models:/name/ref".</summary>
public abstract record VersionReference
{
    public sealed record Latest : VersionReference;

    public sealed record Number(int Version) : VersionReference;

    public sealed record Alias(string Name) : VersionReference;

    public static (string? Model, VersionReference Version) Parse(string? text, string field)
    {
        text = text?.Trim() ?? "";
        string? model = null;
        if (text.StartsWith("models:/", StringComparison.Ordinal))
        {
            // What train returns as model_uri: models:/iris_model/3 or models:/iris_model@champion.
            var rest = text["models:/".Length..];
            var split = rest.IndexOfAny(['/', '@']);
            if (split <= 0)
            {
                throw RunnerException.InvalidArgument(field, "a model URI is models:/<name>/<version> or models:/<name>@<alias>");
            }

            model = RegistryNames.Model(rest[..split], field);
            text = rest[split] == '@' ? rest[split..] : rest[(split + 1)..];
        }

        if (text.Length == 0 || text.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            return (model, new Latest());
        }

        if (text.StartsWith('@'))
        {
            return (model, new Alias(RegistryNames.Alias(text[1..], field)));
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? (model, new Number(version))
            : throw RunnerException.InvalidArgument(field, $"'{text}' is not 'latest', a version number, or '@alias'");
    }

    public async Task<ModelVersion> ResolveAsync(IModelRegistry registry, string model, CancellationToken cancellationToken) => this switch
    {
        Number number => await registry.GetVersionAsync(model, number.Version, cancellationToken),
        Alias alias => await registry.GetVersionByAliasAsync(model, alias.Name, cancellationToken),
        _ => (await registry.ListVersionsAsync(model, cancellationToken)).FirstOrDefault()
             ?? throw RunnerException.NotFound($"model '{model}' has no versions yet: train one first"),
    };
}
