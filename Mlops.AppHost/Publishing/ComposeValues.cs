using System.Text;

namespace Mlops.AppHost.Publishing;

/// <summary>
/// The app model's environment and arguments as a compose file writes them: Aspire's callbacks evaluated for a
/// publish, with a reference to another resource's endpoint turned into its address on the compose network.
/// </summary>
internal static class ComposeValues
{
    public static async Task<Dictionary<string, string>> EnvironmentAsync(IResource resource, DistributedApplicationExecutionContext execution, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, object>();
        if (resource.TryGetEnvironmentVariables(out var callbacks))
        {
            var context = new EnvironmentCallbackContext(execution, resource, values, cancellationToken);
            foreach (var callback in callbacks)
            {
                await callback.Callback(context);
            }
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            if (await TextAsync(value, cancellationToken) is { } text)
            {
                environment[key] = text;
            }
        }

        return environment;
    }

    public static async Task<List<string>> ArgumentsAsync(IResource resource, DistributedApplicationExecutionContext execution, CancellationToken cancellationToken)
    {
        var values = new List<object>();
        if (resource.TryGetAnnotationsOfType<CommandLineArgsCallbackAnnotation>(out var callbacks))
        {
            var context = new CommandLineArgsCallbackContext(values, resource, cancellationToken) { ExecutionContext = execution };
            foreach (var callback in callbacks)
            {
                await callback.Callback(context);
            }
        }

        var arguments = new List<string>();
        foreach (var value in values)
        {
            arguments.Add(await TextAsync(value, cancellationToken) ?? "");
        }

        return arguments;
    }

    /// <summary>On the compose network a service is reached by its name, on the port it listens on inside its container.</summary>
    public static string ServiceUrl(IResource resource, EndpointAnnotation endpoint) =>
        $"{endpoint.UriScheme}://{resource.Name}:{endpoint.TargetPort ?? endpoint.Port}";

    private static async Task<string?> TextAsync(object? value, CancellationToken cancellationToken) => value switch
    {
        null => null,
        string text => text,
        EndpointReference endpoint => ServiceUrl(endpoint.Resource, endpoint.EndpointAnnotation),
        EndpointReferenceExpression { Property: EndpointProperty.Url } expression => ServiceUrl(expression.Endpoint.Resource, expression.Endpoint.EndpointAnnotation),
        ReferenceExpression expression => await FormatAsync(expression, cancellationToken),
        IValueProvider provider => await provider.GetValueAsync(cancellationToken),
        _ => value.ToString(),
    };

    private static async Task<string> FormatAsync(ReferenceExpression expression, CancellationToken cancellationToken)
    {
        var parts = new object?[expression.ValueProviders.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = await TextAsync(expression.ValueProviders[i], cancellationToken);
        }

        return string.Format(System.Globalization.CultureInfo.InvariantCulture, expression.Format, parts);
    }

    /// <summary>"value" with backslashes and quotes escaped, as YAML's double-quoted scalars take it.</summary>
    public static string Quoted(string value) => $"\"{value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";

    public static void WriteEnvironment(StringBuilder yaml, IReadOnlyDictionary<string, string> environment)
    {
        if (environment.Count == 0)
        {
            return;
        }

        yaml.AppendLine("    environment:");
        foreach (var (key, value) in environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            yaml.AppendLine($"      {key}: {Quoted(value)}");
        }
    }
}
