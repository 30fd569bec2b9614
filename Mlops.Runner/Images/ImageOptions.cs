using System.ComponentModel.DataAnnotations;

namespace Mlops.Runner.Images;

public sealed class ImageOptions
{
    public const string SectionName = "Images";

    /// <summary>Images are tagged &lt;repository&gt;/&lt;function&gt;:&lt;content digest&gt;.</summary>
    [Required, RegularExpression("^[a-z0-9]+([._/-][a-z0-9]+)*$")]
    public string Repository { get; set; } = "mlops";

    /// <summary>
    /// Build arg -> local image, passed to every build whose local image exists (scripts/build-base-images.sh
    /// makes them). When one is missing the Dockerfile's own default, the public image, applies.
    /// </summary>
    public Dictionary<string, string> BaseImages { get; set; } = new()
    {
        ["DEBIAN_IMAGE"] = "mlops.local/debian:bookworm-slim",
        ["DOTNET_RUNTIME_DEPS_IMAGE"] = "mlops.local/dotnet/runtime-deps:10.0",
        ["DOTNET_RUNTIME_IMAGE"] = "mlops.local/dotnet/runtime:10.0",
        ["DOTNET_ASPNET_IMAGE"] = "mlops.local/dotnet/aspnet:10.0",
        ["DOTNET_SDK_IMAGE"] = "mlops.local/dotnet/sdk:10.0",
        // functions/predict's composite ReadyToRun runtime and the SDK with its packages restored, so that its first
        // build compiles only its own code.
        ["PREDICT_COMPOSITE_IMAGE"] = "mlops.local/dotnet/predict-composite:10.0",
        ["PREDICT_SDK_IMAGE"] = "mlops.local/dotnet/predict-sdk:10.0",
    };

    [Range(1, 16L * 1024 * 1024 * 1024)]
    public long MaxContextBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>A build still running after this long is stopped and reported as DeadlineExceeded.</summary>
    [Range(1, 24 * 60)]
    public int BuildTimeoutMinutes { get; set; } = 30;

    /// <summary>Older images of a function beyond this many are removed after each build.</summary>
    [Range(1, 100)]
    public int KeepImagesPerFunction { get; set; } = 3;
}
