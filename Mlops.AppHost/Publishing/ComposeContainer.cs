using System.Text;
using Mlops.AppHost.Hosting;

namespace Mlops.AppHost.Publishing;

/// <summary>A container resource as a compose service: its image and command, environment and mounts; its ports stay on the compose network.</summary>
internal static class ComposeContainer
{
    public static void Write(StringBuilder yaml, ContainerResource container)
    {
        yaml.AppendLine($"    image: \"{container.ImageReference}\"");
        if (container.Args.Count > 0)
        {
            yaml.AppendLine($"    command: [{string.Join(", ", container.Args.Select(Quoted))}]");
        }

        if (container.Environment.Count > 0)
        {
            yaml.AppendLine("    environment:");
            foreach (var (key, value) in container.Environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                yaml.AppendLine($"      {key}: {Quoted(value)}");
            }
        }

        container.PublishVolumes.AddRange(container.Mounts.Select(m => $"{m.Source}:{m.Target}{(m.IsReadOnly ? ":ro" : "")}"));
    }

    /// <summary>The named volumes the services use, declared so that compose keeps them across `down` and `up`.</summary>
    public static void WriteVolumes(StringBuilder yaml, IEnumerable<ContainerResource> containers)
    {
        var volumes = containers.SelectMany(c => c.Mounts).Where(m => m.IsVolume).Select(m => m.Source).Distinct().ToList();
        if (volumes.Count == 0)
        {
            return;
        }

        yaml.AppendLine("volumes:");
        foreach (var volume in volumes)
        {
            yaml.AppendLine($"  {volume}:");
        }
    }

    private static string Quoted(string value) => $"\"{value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";
}
